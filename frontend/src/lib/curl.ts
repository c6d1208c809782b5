// Recognises a pasted curl command (in the URL field, or anywhere in the
// request editor) so the UI can offer to import it. Parsing is done in Go
// (backend/curl); this only decides whether to offer.

const curlRe = /^\s*(?:\$\s+)?curl(?:\.exe)?\s+\S/

/** Whether the pasted text looks like a curl command line. */
export function isCurlCommand(text: string): boolean {
  if (!curlRe.test(text)) return false
  // Needs something request-like after "curl": a URL or an option.
  const rest = text.trim().replace(/^\$\s+/, '').replace(/^curl(?:\.exe)?/, '')
  return /(https?:\/\/|\{\{|\s-{1,2}[A-Za-z]|\s['"]?[\w.-]+\.[a-z]{2,}|localhost)/i.test(rest)
}
