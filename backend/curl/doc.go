// Package curl turns curl command lines into project endpoints and back.
//
// Import understands the commands people paste from provider docs: -X,
// -H, -d/--data/--data-raw/--data-binary/--data-ascii (@FILE too),
// --data-urlencode, --json, -F/--form, -u, --oauth2-bearer, -G, -I, -A,
// -e, -b, --compressed, --retry, -N and the other output-only flags,
// combined short flags (-sN, -XPOST), backslash-newline continuations,
// single, double and $'…' quotes. Shell variables ($NAME, ${NAME}) become
// Streamscope variables ({{NAME}}), so `-H "Authorization: Bearer
// $OPENAI_API_KEY"` imports as bearer auth with the token {{OPENAI_API_KEY}}.
// curl's own AWS signing, `--aws-sigv4 aws:amz:REGION:SERVICE --user
// AK:SK` (with an X-Amz-Security-Token header for a session token), imports
// as sigv4 auth and exports back the same way.
// A trailing `| jq .` is ignored. Options that cannot be carried over are
// either refused with an error naming them (a config file, an upload) or
// reported as warnings (-k, -o, proxies, timeouts).
//
// A pasted command copies no local file into the project unless the caller
// sets Options.AllowFiles: -d @FILE, --data-binary @FILE, --json @FILE,
// --data-urlencode [NAME]@FILE and -F NAME=<FILE are refused with an error
// wrapping ErrLocalFile (@/etc/shadow stays out); allowed, FILE must be a
// regular file of at most project.MaxYAMLFile bytes, and the copy is
// named in Warnings. -F NAME=@FILE keeps a reference to FILE, which must
// be inside the project. The URL must be http(s) without control
// characters (project.CheckURL).
//
// Result.Credentials lists what the command holds literally (a bearer
// token, -u's password, an x-api-key style header, a key= parameter, a
// password in the URL; never a $VARIABLE): the CLI warns about each on
// stderr by where it is, or with --secrets-to ENV moves each into a secret
// variable with project.Endpoint.ReplaceCredential.
//
// Body types follow the data: JSON text (with {{variables}} read as
// values) becomes a json body unless a non-JSON Content-Type says
// otherwise; name=value&… data that re-encodes byte for byte becomes an
// urlencoded body; anything else a raw body with curl's Content-Type.
// Query parameters move into the endpoint's query list when that is exact.
//
// Export prints any endpoint as a curl command with every word
// shell-quoted and {{variables}} left as written, so it never prints a
// variable's value or a secret. Import(Export(e)) sends the same request
// as e (tested on provider examples and on every body and auth type).
package curl
