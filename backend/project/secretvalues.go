package project

// RedactValues returns every value a run must keep out of what it shows
// and writes: the secret values looked up so far (SecretValues), and the
// values given as overrides (--var) for variables that the environment
// marks secret.
func (s *Scope) RedactValues() []string {
	out := append([]string(nil), s.secretValues...)
	if s.Env != nil {
		for name, v := range s.Overrides {
			if ev, ok := s.Env.Lookup(name); ok && ev.Secret {
				out = append(out, v)
			}
		}
	}
	return out
}
