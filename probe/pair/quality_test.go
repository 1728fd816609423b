package pair

import (
	"testing"
	"time"
)

func TestFinishQuality(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name                     string
		sent                     int
		rtts                     []time.Duration
		min, median, max, jitter time.Duration
		loss                     float64
	}{
		{"none back", 20, nil, 0, 0, 0, 0, 1},
		{"one", 1, []time.Duration{5 * ms}, 5 * ms, 5 * ms, 5 * ms, 0, 0},
		{"odd", 4, []time.Duration{30 * ms, 10 * ms, 20 * ms}, 10 * ms, 20 * ms, 30 * ms, 15 * ms, 0.25},
		{"even", 4, []time.Duration{10 * ms, 40 * ms, 20 * ms, 30 * ms}, 10 * ms, 25 * ms, 40 * ms, (30 + 20 + 10) * ms / 3, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := finishQuality(Quality{Sent: tt.sent}, tt.rtts)
			if q.RTTMin != tt.min || q.RTTMedian != tt.median || q.RTTMax != tt.max || q.Jitter != tt.jitter || q.Loss() != tt.loss {
				t.Errorf("got min %v median %v max %v jitter %v loss %v", q.RTTMin, q.RTTMedian, q.RTTMax, q.Jitter, q.Loss())
			}
		})
	}
}

// TestCheckWindow: the window covers every pair's checks and answers, and
// stays within its bounds.
func TestCheckWindow(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name     string
		interval time.Duration
		rtt      time.Duration
		pairs    int
		want     time.Duration
	}{
		{"floor", 20 * ms, 10 * ms, 1, time.Second},
		{"defaults, 32 pairs", DefaultCheckInterval, DefaultRTTAllowance, 32, 9*20*ms + 1000*ms + 32*5*ms},
		{"ceiling", time.Second, 10 * time.Second, 1000, maxWindow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CheckWindow(tt.interval, DefaultMaxBindingRequests, tt.rtt, tt.pairs); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
