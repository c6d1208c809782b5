package app

import "testing"

func TestWebviewLocaleFix(t *testing.T) {
	t.Parallel()
	tests := []struct {
		env       map[string]string
		key, want string
	}{
		{map[string]string{"LANG": "C.UTF-8"}, "LC_CTYPE", "en_US.UTF-8"},
		{map[string]string{"LANG": "de_DE.UTF-8"}, "", ""},
		{map[string]string{"LANG": "C"}, "", ""},
		{map[string]string{}, "", ""},
		{map[string]string{"LC_ALL": "C.utf8", "LANG": "fr_FR.UTF-8"}, "LC_ALL", "en_US.UTF-8"},
		{map[string]string{"LC_CTYPE": "POSIX.UTF-8"}, "LC_CTYPE", "en_US.UTF-8"},
		{map[string]string{"LC_ALL": "en_GB.UTF-8", "LANG": "C.UTF-8"}, "", ""},
	}
	for _, tc := range tests {
		k, v := WebviewLocaleFix(func(s string) string { return tc.env[s] })
		if k != tc.key || v != tc.want {
			t.Errorf("%v: got %s=%s, want %s=%s", tc.env, k, v, tc.key, tc.want)
		}
	}
}
