package probe

import (
	"encoding/hex"
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/pion/stun/v3"
)

// unhex reads an RFC figure: hex octets, whitespace and "|" comments.
func unhex(t testing.TB, s string) []byte {
	t.Helper()
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		line, _, _ = strings.Cut(line, "|")
		b.WriteString(strings.Join(strings.Fields(line), ""))
	}
	out, err := hex.DecodeString(b.String())
	if err != nil {
		t.Fatalf("bad vector: %v", err)
	}
	return out
}

// The test vectors of RFC 5769, byte for byte.
const (
	// §2.1 Sample Request.
	rfc5769Request = `
	00 01 00 58 | Request type and message length
	21 12 a4 42 | Magic cookie
	b7 e7 a7 01 | Transaction ID
	bc 34 d6 86
	fa 87 df ae
	80 22 00 10 | SOFTWARE attribute header
	53 54 55 4e | "STUN test client"
	20 74 65 73
	74 20 63 6c
	69 65 6e 74
	00 24 00 04 | PRIORITY attribute header
	6e 00 01 ff | ICE priority value
	80 29 00 08 | ICE-CONTROLLED attribute header
	93 2f f9 b1 | Pseudo-random tie breaker
	51 26 3b 36
	00 06 00 09 | USERNAME attribute header
	65 76 74 6a | Username (9 bytes) and padding (3 bytes)
	3a 68 36 76
	59 20 20 20
	00 08 00 14 | MESSAGE-INTEGRITY attribute header
	9a ea a7 0c | HMAC-SHA1 fingerprint
	bf d8 cb 56
	78 1e f2 b5
	b2 d3 f2 49
	c1 b5 71 a2
	80 28 00 04 | FINGERPRINT attribute header
	e5 7a 3b cf | CRC32 fingerprint`

	// §2.2 Sample IPv4 Response.
	rfc5769IPv4Response = `
	01 01 00 3c | Response type and message length
	21 12 a4 42 | Magic cookie
	b7 e7 a7 01 | Transaction ID
	bc 34 d6 86
	fa 87 df ae
	80 22 00 0b | SOFTWARE attribute header
	74 65 73 74 | "test vector" (11 bytes) and padding
	20 76 65 63
	74 6f 72 20
	00 20 00 08 | XOR-MAPPED-ADDRESS attribute header
	00 01 a1 47 | Address family (IPv4) and xor'd mapped port number
	e1 12 a6 43 | Xor'd mapped IPv4 address
	00 08 00 14 | MESSAGE-INTEGRITY attribute header
	2b 91 f5 99 | HMAC-SHA1 fingerprint
	fd 9e 90 c3
	8c 74 89 f9
	2a f9 ba 53
	f0 6b e7 d7
	80 28 00 04 | FINGERPRINT attribute header
	c0 7d 4c 96 | CRC32 fingerprint`

	// §2.3 Sample IPv6 Response.
	rfc5769IPv6Response = `
	01 01 00 48 | Response type and message length
	21 12 a4 42 | Magic cookie
	b7 e7 a7 01 | Transaction ID
	bc 34 d6 86
	fa 87 df ae
	80 22 00 0b | SOFTWARE attribute header
	74 65 73 74 | "test vector" (11 bytes) and padding
	20 76 65 63
	74 6f 72 20
	00 20 00 14 | XOR-MAPPED-ADDRESS attribute header
	00 02 a1 47 | Address family (IPv6) and xor'd mapped port number
	01 13 a9 fa | Xor'd mapped IPv6 address
	a5 d3 f1 79
	bc 25 f4 b5
	be d2 b9 d9
	00 08 00 14 | MESSAGE-INTEGRITY attribute header
	a3 82 95 4e | HMAC-SHA1 fingerprint
	4b e6 7b f1
	17 84 c9 7c
	82 92 c2 75
	bf e3 ed 41
	80 28 00 04 | FINGERPRINT attribute header
	c8 fb 0b 4c | CRC32 fingerprint`

	// §2.4 Sample Request with Long-Term Authentication (no FINGERPRINT).
	rfc5769LongTermRequest = `
	00 01 00 60 | Request type and message length
	21 12 a4 42 | Magic cookie
	78 ad 34 33 | Transaction ID
	c6 ad 72 c0
	29 da 41 2e
	00 06 00 12 | USERNAME attribute header
	e3 83 9e e3 | Username value (18 bytes) and padding (2 bytes)
	83 88 e3 83
	aa e3 83 83
	e3 82 af e3
	82 b9 00 00
	00 15 00 1c | NONCE attribute header
	66 2f 2f 34 | Nonce value
	39 39 6b 39
	35 34 64 36
	4f 4c 33 34
	6f 4c 39 46
	53 54 76 79
	36 34 73 41
	00 14 00 0b | REALM attribute header
	65 78 61 6d | Realm value (11 bytes) and padding (1 byte)
	70 6c 65 2e
	6f 72 67 00
	00 08 00 14 | MESSAGE-INTEGRITY attribute header
	f6 70 24 65 | HMAC-SHA1 value
	6d d6 4a 3e
	02 b8 e0 71
	2e 85 c9 a2
	8c a8 96 66`
)

var rfc5769TxID = [12]byte{0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae}

func TestParseMessageRFC5769(t *testing.T) {
	tests := []struct {
		name   string
		vector string
		want   Response
	}{
		{"2.1 request", rfc5769Request, Response{Class: stun.ClassRequest, Method: stun.MethodBinding, TxID: rfc5769TxID,
			Software: "STUN test client", HasFingerp: true}},
		{"2.2 IPv4 response", rfc5769IPv4Response, Response{Class: stun.ClassSuccessResponse, Method: stun.MethodBinding,
			TxID: rfc5769TxID, XORMapped: netip.MustParseAddrPort("192.0.2.1:32853"), Software: "test vector", HasFingerp: true}},
		{"2.3 IPv6 response", rfc5769IPv6Response, Response{Class: stun.ClassSuccessResponse, Method: stun.MethodBinding,
			TxID: rfc5769TxID, XORMapped: netip.MustParseAddrPort("[2001:db8:1234:5678:11:2233:4455:6677]:32853"),
			Software: "test vector", HasFingerp: true}},
		{"2.4 long-term request", rfc5769LongTermRequest, Response{Class: stun.ClassRequest, Method: stun.MethodBinding,
			TxID: [12]byte{0x78, 0xad, 0x34, 0x33, 0xc6, 0xad, 0x72, 0xc0, 0x29, 0xda, 0x41, 0x2e}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := unhex(t, tt.vector)
			orig := string(b)
			got, err := ParseMessage(b)
			if err != nil {
				t.Fatalf("ParseMessage: %v", err)
			}
			if got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
			if got.MappedAddr() != tt.want.XORMapped {
				t.Errorf("MappedAddr() = %s, want %s", got.MappedAddr(), tt.want.XORMapped)
			}
			if string(b) != orig {
				t.Error("ParseMessage changed its input")
			}
		})
	}
}

// attrLengthBytes lists the offsets of every attribute's length field.
func attrLengthBytes(b []byte) map[int]bool {
	out := map[int]bool{}
	for off := 20; off+4 <= len(b); {
		out[off+2], out[off+3] = true, true
		n := int(b[off+2])<<8 | int(b[off+3])
		off += 4 + (n+3)&^3
	}
	return out
}

// sameOrZero: every address of got is the original's or absent.
func sameOrZero(got, orig Response) bool {
	for _, p := range [][2]netip.AddrPort{{got.XORMapped, orig.XORMapped}, {got.Mapped, orig.Mapped},
		{got.Other, orig.Other}, {got.Origin, orig.Origin}} {
		if p[0].IsValid() && p[0] != p[1] {
			return false
		}
	}
	return true
}

// Every single flipped bit in a vector that carries FINGERPRINT is caught:
// in the magic cookie or the leading zero bits it is not STUN, in the length
// field malformed, anywhere the CRC covers a FINGERPRINT mismatch. Two
// places cannot be caught, because FINGERPRINT is optional: its own
// attribute header, and an attribute length grown over it. There a flip may
// pass, but must never produce an address the original did not carry.
func TestParseMessageFlippedBits(t *testing.T) {
	for name, vector := range map[string]string{
		"request": rfc5769Request, "IPv4 response": rfc5769IPv4Response, "IPv6 response": rfc5769IPv6Response,
	} {
		t.Run(name, func(t *testing.T) {
			good := unhex(t, vector)
			orig, err := ParseMessage(good)
			if err != nil {
				t.Fatal(err)
			}
			fpHeader := len(good) - 8
			attrLen := attrLengthBytes(good)
			for i := range good {
				for bit := range 8 {
					b := append([]byte(nil), good...)
					b[i] ^= 1 << bit
					got, err := ParseMessage(b)
					switch {
					case i >= fpHeader && i < fpHeader+4 || attrLen[i]:
						if err == nil && (got.HasFingerp || !sameOrZero(got, orig)) {
							t.Fatalf("byte %d bit %d flipped: accepted as %+v", i, bit, got)
						}
					case err == nil:
						t.Fatalf("byte %d bit %d flipped: accepted", i, bit)
					case i >= 4 && i < 8 || i == 0 && bit >= 6:
						if !errors.Is(err, ErrNotSTUN) {
							t.Fatalf("byte %d bit %d (magic cookie, leading zeros) flipped: %v, want ErrNotSTUN", i, bit, err)
						}
					case i == 2 || i == 3:
						if !errors.Is(err, ErrMalformed) {
							t.Fatalf("byte %d bit %d (length) flipped: %v, want ErrMalformed", i, bit, err)
						}
					case !errors.Is(err, ErrFingerprint):
						t.Fatalf("byte %d bit %d flipped: %v, want ErrFingerprint", i, bit, err)
					}
				}
			}
		})
	}
}

// The flip the brief names: one byte inside SOFTWARE.
func TestParseMessageFingerprintMismatch(t *testing.T) {
	b := unhex(t, rfc5769IPv4Response)
	b[24] ^= 0x20 // "test vector" → "Test vector"
	_, err := ParseMessage(b)
	if !errors.Is(err, ErrFingerprint) || !errors.Is(err, stun.ErrFingerprintMismatch) {
		t.Fatalf("got %v, want ErrFingerprint wrapping stun.ErrFingerprintMismatch", err)
	}
}
