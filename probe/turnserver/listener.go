package turnserver

import (
	"net"
	"sync"
	"time"
)

// limitListener accepts at most max connections at once (further callers
// wait in the kernel's backlog) and closes a connection that stays silent
// for idle, so TCP clients cannot pin the server's memory.
type limitListener struct {
	net.Listener
	sem  chan struct{}
	idle time.Duration
	done chan struct{}
	once sync.Once
}

func newLimitListener(l net.Listener, max int, idle time.Duration) *limitListener {
	return &limitListener{Listener: l, sem: make(chan struct{}, max), idle: idle, done: make(chan struct{})}
}

// Accept waits for a free slot, then for a connection.
func (l *limitListener) Accept() (net.Conn, error) {
	select {
	case l.sem <- struct{}{}:
	case <-l.done:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.sem
		return nil, err
	}
	return &idleConn{Conn: c, idle: l.idle, release: sync.OnceFunc(func() { <-l.sem })}, nil
}

// Close stops accepting; connections already accepted stay open.
func (l *limitListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return l.Listener.Close()
}

// idleConn pushes its read deadline forward on every read and frees its
// listener slot when closed.
type idleConn struct {
	net.Conn
	idle    time.Duration
	release func()
}

func (c *idleConn) Read(b []byte) (int, error) {
	if c.idle > 0 {
		if err := c.Conn.SetReadDeadline(time.Now().Add(c.idle)); err != nil {
			return 0, err
		}
	}
	return c.Conn.Read(b)
}

func (c *idleConn) Close() error {
	defer c.release()
	return c.Conn.Close()
}
