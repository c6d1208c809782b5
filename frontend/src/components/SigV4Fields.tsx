// The fields of sigv4 auth (AWS Signature Version 4) in the Auth tab. Self
// contained: it edits the auth object it is given, whatever file holds the
// Auth tab.
export interface SigV4Auth {
  access_key?: string
  secret_key?: string
  session_token?: string
  region?: string
  service?: string
}

export default function SigV4Fields({ auth, set }: { auth: SigV4Auth; set: (patch: SigV4Auth) => void }) {
  return (
    <>
      <label htmlFor="sigv4-access-key">Access key ID</label>
      <input id="sigv4-access-key" className="input mono" value={auth.access_key ?? ''} onChange={(e) => set({ access_key: e.target.value })} placeholder="{{awsAccessKeyId}}" data-testid="sigv4-access-key" />
      <label htmlFor="sigv4-secret-key">Secret access key</label>
      <input id="sigv4-secret-key" className="input mono" value={auth.secret_key ?? ''} onChange={(e) => set({ secret_key: e.target.value })} placeholder="{{awsSecretAccessKey}}" data-testid="sigv4-secret-key" />
      <label htmlFor="sigv4-session-token">Session token</label>
      <input id="sigv4-session-token" className="input mono" value={auth.session_token ?? ''} onChange={(e) => set({ session_token: e.target.value || undefined })} placeholder="optional: {{awsSessionToken}} for temporary credentials" data-testid="sigv4-session-token" />
      <label htmlFor="sigv4-region">Region</label>
      <input id="sigv4-region" className="input mono" value={auth.region ?? ''} onChange={(e) => set({ region: e.target.value })} placeholder="us-east-1" data-testid="sigv4-region" />
      <label htmlFor="sigv4-service">Service</label>
      <input id="sigv4-service" className="input mono" value={auth.service ?? ''} onChange={(e) => set({ service: e.target.value })} placeholder="bedrock" data-testid="sigv4-service" />
      <span />
      <span className="hint">Each request is signed when it is sent (X-Amz-Date, Authorization over its headers and body).</span>
    </>
  )
}
