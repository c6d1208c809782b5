package curl

import "testing"

// BenchmarkImport parses a provider's multi-line curl example.
func BenchmarkImport(b *testing.B) {
	cmd := providerExamples[2].cmd // Anthropic, with continuations and a JSON body
	for i := 0; i < b.N; i++ {
		if _, err := Import(cmd, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExport renders an endpoint as a curl command.
func BenchmarkExport(b *testing.B) {
	res, err := Import(providerExamples[0].cmd, Options{})
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		_ = Export(res.Endpoint)
	}
}
