package run

import "github.com/streamscope/streamscope/backend/redact"

func redactorOf(secrets ...string) *redact.Redactor { return redact.New(secrets...) }
