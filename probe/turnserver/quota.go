package turnserver

import "sync"

// quota counts each user's live relays and refuses more than max at once.
// It holds an entry only for users who have a relay, so its size is bounded
// by the configured users.
type quota struct {
	mu  sync.Mutex
	max int
	n   map[string]int
}

func newQuota(max int) *quota { return &quota{max: max, n: map[string]int{}} }

// full reports whether user may open no more relays.
func (q *quota) full(user string) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.n[user] >= q.max
}

// acquire counts one more relay for user, unless that would exceed max.
func (q *quota) acquire(user string) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.n[user] >= q.max {
		return false
	}
	q.n[user]++
	return true
}

// release gives back one of user's relays.
func (q *quota) release(user string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.n[user] <= 1 {
		delete(q.n, user)
		return
	}
	q.n[user]--
}

// total is the number of live relays over all users.
func (q *quota) total() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	t := 0
	for _, n := range q.n {
		t += n
	}
	return t
}
