/** A numbered step of the wizard. */
export function Step(props: {
  readonly n: number;
  readonly title: string;
  readonly children: React.ReactNode;
}): React.JSX.Element {
  return (
    <div className="wizard-step">
      <h3>
        <span className="step-n" aria-hidden="true">
          {props.n}
        </span>
        {props.title}
      </h3>
      {props.children}
    </div>
  );
}
