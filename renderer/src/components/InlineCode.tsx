/** Text whose `backticked` parts (commands, file names in server messages) show as code, not as backticks. */
export function InlineCode({ text }: { readonly text: string }): React.JSX.Element {
  const parts = text.split('`');
  // An odd count of backticks leaves the last part open: show it as text.
  return (
    <>
      {parts.map((part, i) =>
        i % 2 === 1 && i < parts.length - 1 ? (
          <code key={i}>{part}</code>
        ) : (
          <span key={i}>{i % 2 === 1 ? `\`${part}` : part}</span>
        ),
      )}
    </>
  );
}
