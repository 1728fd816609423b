package main

import (
	"fmt"
	"io"
	"sync"
)

// progressTo returns a Progress function that writes one line per call to
// w; the probes call it from many goroutines at once.
func progressTo(w io.Writer) func(string) {
	var mu sync.Mutex
	return func(msg string) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, "natcheck: %s\n", msg)
	}
}
