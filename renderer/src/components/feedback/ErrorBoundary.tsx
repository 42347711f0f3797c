import { Component, type ErrorInfo, type ReactNode } from 'react';

/** What a person is told when a view crashed: never the stack trace (that goes to the developer console). */
export function crashSentence(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (
    /dynamically imported module|Importing a module script failed|error loading dynamically|ChunkLoadError|MIME type/i.test(
      message,
    )
  )
    return 'A part of the GUI could not be loaded: the GUI was rebuilt or its server stopped. Reload the page.';
  const firstLine = message.split('\n')[0] ?? '';
  return `This view hit a bug and stopped: ${firstLine.length > 200 ? `${firstLine.slice(0, 200)}…` : firstLine}`;
}

/**
 * Keeps a crash inside one view: the rest of the GUI (navigation, the stack's state) stays usable, and the view
 * can be tried again. Keyed by the route, so going to another view starts afresh.
 */
export class ErrorBoundary extends Component<
  { readonly view: string; readonly children: ReactNode },
  { readonly error: unknown }
> {
  override state: { readonly error: unknown } = { error: null };

  static getDerivedStateFromError(error: unknown): { error: unknown } {
    return { error };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error(`The ${this.props.view} view crashed`, error, info.componentStack);
  }

  override render(): ReactNode {
    if (this.state.error === null) return this.props.children;
    return (
      <section className="panel crash" role="alert" data-testid="view-crashed">
        <h2>{this.props.view} could not be shown</h2>
        <p>{crashSentence(this.state.error)}</p>
        <div className="notice-actions">
          <button className="primary" onClick={() => this.setState({ error: null })}>
            Try again
          </button>
          <button onClick={() => window.location.reload()}>Reload the page</button>
        </div>
      </section>
    );
  }
}
