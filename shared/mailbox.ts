/** An e-mail the stack "sent" (magic links, codes), as the mailbox stores and serves it. */
export interface MailMessage {
  readonly id: string;
  readonly to: string;
  readonly from: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly date: string;
  /** The links in the message (e.g. the magic link), for tests and the GUI. */
  readonly links: readonly string[];
  /** The one-time code in the message, when there is one. */
  readonly otp?: string;
}
