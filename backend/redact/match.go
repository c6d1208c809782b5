package redact

// span is a stretch of input to mask, in absolute byte offsets [start, end).
type span struct{ start, end int64 }

// matcher finds the spans to mask in input fed to it in pieces. Spans that
// overlap are merged (one Mark stands for them all); a span that lies
// inside an occurrence of Mark itself is dropped, so that masking what was
// masked before changes nothing.
type matcher struct {
	a   *automaton
	st  int32
	pos int64
	// runs are the merged spans not taken yet, in order, disjoint.
	runs []span
	// skip is the end of the span whose Mark was already written (a
	// Stream's): a span that starts before it only makes it longer.
	skip int64
}

func feed[T string | []byte](m *matcher, p T) {
	a := m.a
	st := m.st
	if a.delta == nil {
		for i := 0; i < len(p); i++ {
			st = a.step(st, p[i])
			if a.hit[st] {
				m.hit(st, m.pos+int64(i)+1)
			}
		}
	} else {
		delta, class, k, hit := a.delta, &a.class, a.classes, a.hit
		for i := 0; i < len(p); i++ {
			st = delta[st*k+class[p[i]]]
			if hit[st] {
				m.hit(st, m.pos+int64(i)+1)
			}
		}
	}
	m.st = st
	m.pos += int64(len(p))
}

// hit records what ends at node st, at offset pos.
func (m *matcher) hit(st int32, pos int64) {
	if l := m.a.long[st]; l > 0 {
		m.add(span{pos - int64(l), pos})
	}
	if m.a.prot[st] {
		m.protect(span{pos - int64(len(Mark)), pos})
	}
}

// add merges s into the runs. s ends at the current position, so it ends
// after every run: the runs it overlaps are the last ones.
func (m *matcher) add(s span) {
	if s.start < m.skip {
		m.skip = max(m.skip, s.end)
		for len(m.runs) > 0 && m.runs[0].start < m.skip {
			m.skip = max(m.skip, m.runs[0].end)
			m.runs = m.runs[1:]
		}
		return
	}
	n := len(m.runs)
	for n > 0 && m.runs[n-1].end > s.start {
		s.start = min(s.start, m.runs[n-1].start)
		n--
	}
	m.runs = append(m.runs[:n], s)
}

// protect drops the runs that lie inside p, an occurrence of Mark.
func (m *matcher) protect(p span) {
	n := len(m.runs)
	for n > 0 && m.runs[n-1].start >= p.start && m.runs[n-1].end <= p.end {
		n--
	}
	m.runs = m.runs[:n]
}

// findIn returns the merged spans to mask in p (nil when none).
func findIn[T string | []byte](a *automaton, p T) []span {
	m := matcher{a: a}
	feed(&m, p)
	return m.runs
}

// appendMasked appends p[from:to] to dst with every run that overlaps it
// replaced by one Mark.
func appendMasked[T string | []byte](dst []byte, p T, from, to int, runs []span) []byte {
	i := from
	for _, r := range runs {
		s, e := int(r.start), int(r.end)
		if e <= from || s >= to {
			continue
		}
		if s > i {
			dst = append(dst, p[i:s]...)
		}
		dst = append(dst, Mark...)
		i = min(e, to)
	}
	return append(dst, p[i:to]...)
}
