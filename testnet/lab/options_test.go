package lab

import "testing"

func TestOptionsValidate(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		ok   bool
	}{
		{"minimal", Options{Kind: KindOpen, Prefix: "nclab-1"}, true},
		{"full", Options{Kind: KindDoubleNAT, Prefix: "nclab-t42-3", LossPercent: 100, Hairpin: true}, true},
		{"no kind", Options{Prefix: "nclab-1"}, false},
		{"negative loss", Options{Kind: KindOpen, Prefix: "nclab-1", LossPercent: -1}, false},
		{"loss above 100", Options{Kind: KindOpen, Prefix: "nclab-1", LossPercent: 101}, false},
		{"no prefix", Options{Kind: KindOpen}, false},
		{"bare prefix", Options{Kind: KindOpen, Prefix: "nclab-"}, false},
		{"foreign prefix", Options{Kind: KindOpen, Prefix: "lab-1"}, false},
		{"uppercase", Options{Kind: KindOpen, Prefix: "nclab-A"}, false},
		{"slash", Options{Kind: KindOpen, Prefix: "nclab-a/b"}, false},
		{"too long", Options{Kind: KindOpen, Prefix: "nclab-0123456789012345678901234567890123456789"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.opts.validate()
			if (err == nil) != tc.ok {
				t.Errorf("validate() = %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

func TestMatchNamespaces(t *testing.T) {
	listing := "nclab-t1-1-cli (id: 4)\nnclab-t1-1-srv\nnclab-t1-10-srv (id: 7)\nnclab-t12-1-srv\nother-nclab-t1-x\n\n"
	tests := []struct {
		name, prefix string
		want         []string
	}{
		{"run prefix", "nclab-t1", []string{"nclab-t1-1-cli", "nclab-t1-1-srv", "nclab-t1-10-srv"}},
		{"lab prefix", "nclab-t1-1", []string{"nclab-t1-1-cli", "nclab-t1-1-srv"}},
		{"no match", "nclab-t2", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := matchNamespaces(listing, tc.prefix)
			if len(got) != len(tc.want) {
				t.Fatalf("matchNamespaces = %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("matchNamespaces = %v, want %v", got, tc.want)
				}
			}
		})
	}
}

func TestMatchNamespacesAllLabs(t *testing.T) {
	got := matchNamespaces("nclab-a-srv\nnclabx-srv\nfoo\nnclab-b-cli (id: 1)\n", "nclab")
	if len(got) != 2 || got[0] != "nclab-a-srv" || got[1] != "nclab-b-cli" {
		t.Errorf("matchNamespaces = %v", got)
	}
}
