// Package postman imports a Postman collection (format v2.1, and v2.0,
// which has the same shape) as a Streamscope project: folders become
// directories (with a folder.yaml keeping their name and order), requests
// become endpoints (method, URL and query, headers, body in raw/JSON,
// urlencoded or form-data mode, bearer/basic/API-key auth and AWS Signature
// (awsv4, as sigv4 auth), inherited from the enclosing folder or
// collection as Postman does), a request's "test" script becomes the
// endpoint's .js script (the script engine speaks the pm.* subset), and the
// collection's variables become the environment "collection". Postman's
// {{variables}} are Streamscope's syntax already, so they are kept as
// written.
//
// What has no equivalent is named in the returned warnings: pre-request
// scripts, auth types other than bearer/basic/apikey/awsv4 (and an awsv4
// without its keys, region or service), file and GraphQL bodies, path
// variables.
//
// Names become file and directory names as in package project (shortened
// when long, the name kept in the file or folder.yaml). A collection whose
// folders nest deeper than project.MaxFolderDepth (64) is refused, naming
// the item, before anything is written.
package postman
