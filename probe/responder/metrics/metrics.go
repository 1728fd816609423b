// Package metrics counts what natcheck server does — RFC 5780 Binding
// requests and responses, rate limiting, TURN allocations — as Prometheus
// metrics on a registry of its own.
package metrics

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds the counters of one server.
type Metrics struct {
	reg *prometheus.Registry

	requests    prometheus.Counter
	responses   *prometheus.CounterVec // by kind
	rateLimited prometheus.Counter
	malformed   prometheus.Counter
	dropped     *prometheus.CounterVec // by reason

	turnAllocations  prometheus.Gauge
	turnAllocated    prometheus.Counter
	turnAuthFailures prometheus.Counter
	turnQuotaRefused prometheus.Counter
}

// New returns zeroed metrics registered on a fresh registry (never the
// global default one).
func New() *Metrics {
	m := &Metrics{
		reg:         prometheus.NewRegistry(),
		requests:    counter("stun_requests_total", "Datagrams received on the RFC 5780 sockets."),
		responses:   counterVec("stun_responses_total", "Responses sent, by kind: binding, change-port, change-ip, change-ip-port, error-400, error-420, error.", "kind"),
		rateLimited: counter("stun_rate_limited_total", "Datagrams refused by the per-source rate limit."),
		malformed:   counter("stun_malformed_total", "Datagrams that are not STUN, do not decode, or fail FINGERPRINT."),
		dropped:     counterVec("stun_dropped_total", "Datagrams not answered, by reason.", "reason"),

		turnAllocations:  prometheus.NewGauge(prometheus.GaugeOpts{Namespace: namespace, Name: "turn_allocations", Help: "Live TURN allocations."}),
		turnAllocated:    counter("turn_allocations_total", "TURN allocations made."),
		turnAuthFailures: counter("turn_auth_failures_total", "TURN requests with a wrong password or an unknown user."),
		turnQuotaRefused: counter("turn_quota_refused_total", "TURN Allocate requests refused with 486 (per-user quota)."),
	}
	m.reg.MustRegister(m.requests, m.responses, m.rateLimited, m.malformed, m.dropped,
		m.turnAllocations, m.turnAllocated, m.turnAuthFailures, m.turnQuotaRefused)
	for _, k := range responseKinds {
		m.responses.WithLabelValues(k)
	}
	for _, r := range dropReasons {
		m.dropped.WithLabelValues(r.label)
	}
	return m
}

const namespace = "natcheck"

func counter(name, help string) prometheus.Counter {
	return prometheus.NewCounter(prometheus.CounterOpts{Namespace: namespace, Name: name, Help: help})
}

func counterVec(name, help, label string) *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: name, Help: help}, []string{label})
}

// Registry is where the metrics are registered; callers may add their own.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the registry in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Gauge registers a gauge read from f at each scrape, e.g. the number of
// sources the rate limiter remembers.
func (m *Metrics) Gauge(name, help string, f func() float64) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: namespace, Name: name, Help: help}, f))
}
