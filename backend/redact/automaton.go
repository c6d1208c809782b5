package redact

// automaton is an Aho-Corasick matcher over bytes: one step per input byte
// (amortised), whatever the number of patterns. Node 0 is the root; the
// root's transitions are a dense table, the other nodes' a short list.
type automaton struct {
	root  [256]int32
	edges [][]edge // children of each node (the root's are in root)
	fail  []int32
	depth []int32 // length of the pattern prefix the node stands for
	// long is the length of the longest pattern that ends at the node
	// (itself or through its failure links), 0 when none does: every
	// shorter one ending there lies inside it, so it is all a masking
	// needs.
	long []int32
	// grow is the length of the longest suffix of the node's string that
	// may still become a match (a node with children): a stream holds
	// that much back.
	grow []int32
	// pat is the length of the longest suffix of the node's string that
	// is a prefix of a pattern (not of the protected one).
	pat []int32
	// prot is set on the nodes where the protected pattern (Mark) ends,
	// when the automaton holds it.
	prot []bool
	// hit is set where long > 0 or prot is set.
	hit    []bool
	maxLen int
	// delta is the whole transition table (node*classes + class[b]) when
	// it fits in maxDelta entries: one lookup per byte. Bytes that are in
	// no pattern are class 0 and lead to the root.
	delta   []int32
	class   [256]int32
	classes int32
}

// maxDelta bounds the dense table (16 MB); past it (secrets of many
// kilobytes) steps follow the failure links.
const maxDelta = 1 << 22

type edge struct {
	b  byte
	to int32
}

func (a *automaton) child(n int32, b byte) int32 {
	if n == 0 {
		return a.root[b]
	}
	for _, e := range a.edges[n] {
		if e.b == b {
			return e.to
		}
	}
	return -1
}

func (a *automaton) add(p string, isPattern bool) int32 {
	n := int32(0)
	for i := 0; i < len(p); i++ {
		next := a.child(n, p[i])
		if next <= 0 {
			next = int32(len(a.depth))
			a.edges = append(a.edges, nil)
			a.fail = append(a.fail, 0)
			a.depth = append(a.depth, int32(i+1))
			a.long = append(a.long, 0)
			a.prot = append(a.prot, false)
			a.pat = append(a.pat, 0)
			if n == 0 {
				a.root[p[i]] = next
			} else {
				a.edges[n] = append(a.edges[n], edge{p[i], next})
			}
		}
		n = next
		if isPattern {
			a.pat[n] = a.depth[n]
		}
	}
	a.maxLen = max(a.maxLen, len(p))
	return n
}

// newAutomaton builds the matcher for patterns (non-empty) and, when
// protect is not "", for the protected pattern too.
func newAutomaton(patterns []string, protect string) *automaton {
	a := &automaton{edges: [][]edge{nil}, fail: []int32{0}, depth: []int32{0}, long: []int32{0}, pat: []int32{0}, prot: []bool{false}}
	for _, p := range patterns {
		n := a.add(p, true)
		a.long[n] = int32(len(p))
	}
	if protect != "" {
		a.prot[a.add(protect, false)] = true
	}
	// Breadth first: a node's failure link is the longest proper suffix
	// of its string that is a node too.
	queue := make([]int32, 0, len(a.depth))
	for b := 0; b < 256; b++ {
		if n := a.root[b]; n > 0 {
			queue = append(queue, n)
		}
	}
	bfs := queue[:0:0]
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		bfs = append(bfs, n)
		if a.long[n] == 0 {
			a.long[n] = a.long[a.fail[n]]
		}
		a.prot[n] = a.prot[n] || a.prot[a.fail[n]]
		if a.pat[n] == 0 {
			a.pat[n] = a.pat[a.fail[n]]
		}
		for _, e := range a.edges[n] {
			f := a.fail[n]
			for f != 0 && a.child(f, e.b) <= 0 {
				f = a.fail[f]
			}
			if c := a.child(f, e.b); c > 0 && c != e.to {
				a.fail[e.to] = c
			}
			queue = append(queue, e.to)
		}
	}
	a.grow = make([]int32, len(a.depth))
	for _, n := range append([]int32{0}, bfs...) {
		if n != 0 && (len(a.edges[n]) > 0) {
			a.grow[n] = a.depth[n]
		} else if n != 0 {
			a.grow[n] = a.grow[a.fail[n]]
		}
	}
	a.hit = make([]bool, len(a.depth))
	for n := range a.hit {
		a.hit[n] = a.long[n] > 0 || a.prot[n]
	}
	a.dense()
	return a
}

// dense fills delta when it is small enough.
func (a *automaton) dense() {
	var bytes []byte
	for n := range a.edges {
		for _, e := range a.edges[n] {
			if a.class[e.b] == 0 {
				bytes = append(bytes, e.b)
				a.class[e.b] = -1
			}
		}
	}
	for b := 0; b < 256; b++ {
		if a.root[b] > 0 && a.class[b] == 0 {
			bytes = append(bytes, byte(b))
			a.class[b] = -1
		}
	}
	k := int32(len(bytes) + 1)
	if int64(len(a.depth))*int64(k) > maxDelta {
		a.class = [256]int32{}
		return
	}
	for i, b := range bytes {
		a.class[b] = int32(i + 1)
	}
	a.classes = k
	a.delta = make([]int32, int32(len(a.depth))*k)
	// Nodes in breadth-first order: a node's failure node comes before it.
	order := make([]int32, 0, len(a.depth))
	order = append(order, 0)
	for i := 0; i < len(order); i++ {
		n := order[i]
		row := a.delta[n*k : (n+1)*k]
		for c, b := range bytes {
			if next := a.child(n, b); next > 0 {
				row[c+1] = next
				order = append(order, next)
			} else if n != 0 {
				row[c+1] = a.delta[a.fail[n]*k+int32(c+1)]
			}
		}
	}
}

// step is the node after reading b in node n.
func (a *automaton) step(n int32, b byte) int32 {
	if a.delta != nil {
		return a.delta[n*a.classes+a.class[b]]
	}
	for {
		if c := a.child(n, b); c > 0 {
			return c
		}
		if n == 0 {
			return 0
		}
		n = a.fail[n]
	}
}
