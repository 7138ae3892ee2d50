// Package filestore keeps uploaded files on disk, named by the SHA-256 of
// their content, and decides a file's type from its content. Case
// attachments (internal/casework) and the photos of facility audits
// (internal/quality/sarpras) are kept by it, each in its own directory so
// that removing an unused file of one never touches the other's.
package filestore

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"

	"github.com/layan-id/layan/internal/apperr"
)

// Kind is a type of file a store takes. The type is decided from the
// content, never from the name alone: a name is whatever the sender
// typed, and a browser shows a file by what it is.
type Kind struct {
	ContentType string
	Label       string   // for messages
	Exts        []string // the names' extensions that go with it, first the usual one
	// Match reports whether the content starts as this kind's does.
	Match func(head []byte) bool
}

// Prefix matches content that starts with magic.
func Prefix(magic []byte) func([]byte) bool {
	return func(head []byte) bool { return bytes.HasPrefix(head, magic) }
}

// Common kinds.
var (
	PDF  = Kind{"application/pdf", "PDF", []string{".pdf"}, Prefix([]byte("%PDF-"))}
	JPEG = Kind{"image/jpeg", "JPEG", []string{".jpg", ".jpeg"}, Prefix([]byte{0xFF, 0xD8, 0xFF})}
	PNG  = Kind{"image/png", "PNG", []string{".png"}, Prefix([]byte{0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A})}
	// WebP is a RIFF container whose form type is WEBP.
	WebP = Kind{"image/webp", "WebP", []string{".webp"}, func(h []byte) bool {
		return len(h) >= 12 && string(h[:4]) == "RIFF" && string(h[8:12]) == "WEBP"
	}}
)

// Sniff returns the kind among kinds of a file that starts with head (its
// first 512 bytes), or false. The standard sniffer and the kind's own
// check must both agree.
func Sniff(head []byte, kinds []Kind) (Kind, bool) {
	sniffed, _, _ := mime.ParseMediaType(http.DetectContentType(head))
	for _, k := range kinds {
		if sniffed == k.ContentType && k.Match(head) {
			return k, true
		}
	}
	return Kind{}, false
}

// Dir is a directory of kept files.
type Dir string

// Path is where the file of a SHA-256 sum lives.
func (d Dir) Path(sum string) string { return filepath.Join(string(d), sum[:2], sum) }

// Keep writes a file to the directory under its SHA-256, atomically: a
// temporary file, synced, renamed into place, so a crash never leaves half
// a file under a good name. created is false when the same content was
// already kept. A file over limit bytes is refused (apperr.TooLarge,
// "attachment.too_large" with the limit in MiB) and nothing stays on disk.
func (d Dir) Keep(in io.Reader, limit int64) (sum string, size int64, created bool, err error) {
	if err := os.MkdirAll(string(d), 0o750); err != nil {
		return "", 0, false, err
	}
	// The temporary file sits in the same file system as its final place,
	// where a rename is atomic.
	tmp, err := os.CreateTemp(string(d), ".upload-*")
	if err != nil {
		return "", 0, false, err
	}
	defer func() {
		if tmp != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	if size, err = io.Copy(io.MultiWriter(tmp, h), io.LimitReader(in, limit+1)); err != nil {
		return "", 0, false, err
	}
	if size > limit {
		return "", 0, false, apperr.New(apperr.TooLarge, "attachment.too_large", limit>>20)
	}
	if err := tmp.Chmod(0o640); err != nil {
		return "", 0, false, err
	}
	if err := tmp.Sync(); err != nil {
		return "", 0, false, err
	}
	if err := tmp.Close(); err != nil {
		return "", 0, false, err
	}
	sum = hex.EncodeToString(h.Sum(nil))
	final := d.Path(sum)
	if _, err := os.Stat(final); err == nil {
		return sum, size, false, nil // kept already; the deferred removal drops the copy
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o750); err != nil {
		return "", 0, false, err
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return "", 0, false, err
	}
	tmp = nil
	syncDir(filepath.Dir(final))
	return sum, size, true, nil
}

// syncDir makes a rename durable where the system allows syncing a
// directory (not on Windows, which needs no such step).
func syncDir(dir string) {
	if f, err := os.Open(dir); err == nil {
		f.Sync()
		f.Close()
	}
}

// Open opens a kept file.
func (d Dir) Open(sum string) (*os.File, error) { return os.Open(d.Path(sum)) }

// Remove removes a kept file; the caller has checked that nothing refers
// to it any more.
func (d Dir) Remove(sum string) { os.Remove(d.Path(sum)) }
