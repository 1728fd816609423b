// Package report is natcheck's versioned result document and its renderers.
package report
