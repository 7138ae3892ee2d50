package casework_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	"image/png"
	"io"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/casework"
)

func pngFile(t *testing.T) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 2, 2))
	img.Set(1, 1, color.White)
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var pdfFile = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// filesIn lists every file under dir, temporary ones included.
func filesIn(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			out = append(out, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func attachmentRows(t *testing.T, w *world) int {
	t.Helper()
	var n int
	if err := w.store.DB.QueryRow(ctx, "SELECT COUNT(*) FROM case_attachment").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func readAttachment(t *testing.T, w *world, u access.User, caseID, id int64) (casework.Attachment, []byte) {
	t.Helper()
	a, rc, err := w.store.OpenAttachment(ctx, as(u), u, caseID, id)
	if err != nil {
		t.Fatalf("%s opens attachment %d: %v", u.Username, id, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return a, b
}

// cancelAtEOF cancels a request once its file is read: the attachment's
// transaction then fails after the file was kept.
type cancelAtEOF struct {
	r      io.Reader
	cancel context.CancelFunc
}

func (c cancelAtEOF) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if err == io.EOF {
		c.cancel()
	}
	return n, err
}

func TestAttachments(t *testing.T) {
	forEngines(t, func(t *testing.T, w *world) {
		dir := t.TempDir()
		w.store.AttachmentDir = dir
		c := openCase(t, w)
		pic := pngFile(t)

		// A photo (the name as a Windows browser sends it, the extension in
		// capitals) and a scanned form are kept and read back unchanged.
		a, err := w.store.Attach(ctx, as(w.worker), w.worker, c.ID, `C:\fakepath\foto rumah.PNG`, " Kunjungan pertama ", bytes.NewReader(pic))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(pic)
		if a.Name != "foto rumah.PNG" || a.ContentType != "image/png" || a.Size != int64(len(pic)) || a.SHA256 != hex.EncodeToString(sum[:]) ||
			a.Note != "Kunjungan pertama" || a.UploadedBy != w.worker.ID || !a.UploadedAt.Equal(w.now) || a.CaseID != c.ID {
			t.Errorf("attached %+v", a)
		}
		doc, err := w.store.Attach(ctx, as(w.worker), w.worker, c.ID, "persetujuan/../persetujuan.pdf", "", bytes.NewReader(pdfFile))
		if err != nil || doc.ContentType != "application/pdf" || doc.Name != "persetujuan.pdf" {
			t.Fatalf("attached %+v, %v", doc, err)
		}
		for _, u := range []access.User{w.worker, w.sup} {
			got, b := readAttachment(t, w, u, c.ID, a.ID)
			if !bytes.Equal(b, pic) || got.ID != a.ID || got.Name != a.Name || got.Note != a.Note || got.SHA256 != a.SHA256 ||
				got.Size != a.Size || got.UploadedBy != a.UploadedBy || !got.UploadedAt.Equal(a.UploadedAt) {
				t.Errorf("%s read back %d bytes, %+v", u.Username, len(b), got)
			}
			if _, b = readAttachment(t, w, u, c.ID, doc.ID); !bytes.Equal(b, pdfFile) {
				t.Errorf("%s read back the PDF as %q", u.Username, b)
			}
		}
		var reads, creates int
		w.store.DB.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log WHERE entity = 'case_attachment' AND action = 'read'").Scan(&reads)
		w.store.DB.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log WHERE entity = 'case_attachment' AND action = 'create'").Scan(&creates)
		if reads != 4 || creates != 2 {
			t.Errorf("%d reads and %d creates audited, want 4 and 2", reads, creates)
		}
		d, err := w.store.Detail(ctx, as(w.worker), w.worker, c.ID)
		if err != nil || d.Timeline[len(d.Timeline)-1].Note != "lampiran: persetujuan.pdf" {
			t.Errorf("timeline: %+v, %v", d.Timeline, err)
		}

		// Refused: nothing stored, nothing left on disk.
		rows, files := attachmentRows(t, w), filesIn(t, dir)
		if len(files) != 2 {
			t.Fatalf("files after two attachments: %v", files)
		}
		same := func(what string) {
			t.Helper()
			if n, f := attachmentRows(t, w), filesIn(t, dir); n != rows || !slices.Equal(f, files) {
				t.Errorf("%s left %d rows (want %d) and files %v", what, n, rows, f)
			}
		}
		html := []byte("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>")
		exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), make([]byte, 100)...)
		for _, b := range []struct {
			name    string
			content []byte
			field   string
			key     string
		}{
			{"scan.pdf", pic, "file", "attachment.type_mismatch"},
			{"foto.jpg", pic, "file", "attachment.type_mismatch"},
			{"foto", pic, "file", "attachment.type_mismatch"},
			{"surat.png", pdfFile, "file", "attachment.type_mismatch"},
			{"halaman.html", html, "file", "attachment.type_not_allowed"},
			{"halaman.pdf", html, "file", "attachment.type_not_allowed"},
			{"setup.exe", exe, "file", "attachment.type_not_allowed"},
			{"kosong.pdf", nil, "file", "attachment.empty"},
			{"", pdfFile, "file", "field.required"},
			{"C:\\dokumen\\", pdfFile, "file", "field.required"},
			{"baris\nbaru.pdf", pdfFile, "file", "attachment.name_invalid"},
			{strings.Repeat("a", 197) + ".pdf", pdfFile, "file", "field.too_long"},
		} {
			_, err := w.store.Attach(ctx, as(w.worker), w.worker, c.ID, b.name, "", bytes.NewReader(b.content))
			if got := fieldsOf(err); got[b.field] != b.key {
				t.Errorf("%q: %v, want %s on %s", b.name, err, b.key, b.field)
			}
			same(b.name)
		}
		_, err = w.store.Attach(ctx, as(w.worker), w.worker, c.ID, "foto.png", strings.Repeat("x", 2001), bytes.NewReader(pic))
		if fieldsOf(err)["note"] != "field.too_long" {
			t.Errorf("a long note: %v", err)
		}
		same("a long note")

		w.store.MaxAttachment = int64(len(pdfFile)) - 1
		_, err = w.store.Attach(ctx, as(w.worker), w.worker, c.ID, "besar.pdf", "", bytes.NewReader(pdfFile))
		if e := apperr.As(err); e == nil || e.Kind != apperr.TooLarge || e.Key != "attachment.too_large" {
			t.Errorf("over the limit: %v", err)
		}
		same("a file over the limit")
		w.store.MaxAttachment = int64(len(pdfFile)) // exactly the limit is taken
		if _, err := w.store.Attach(ctx, as(w.worker), w.worker, c.ID, "pas.pdf", "", bytes.NewReader(pdfFile)); err != nil {
			t.Errorf("a file at the limit: %v", err)
		}
		w.store.MaxAttachment = 0
		rows++

		// Outsiders neither attach nor open; nor does a case open another's.
		for _, u := range []access.User{w.colleague, w.makWkr} {
			if _, err := w.store.Attach(ctx, as(u), u, c.ID, "lain.png", "", bytes.NewReader(append(pic, 0))); apperr.KindOf(err) != apperr.NotFound {
				t.Errorf("%s attached: %v", u.Username, err)
			}
			if _, _, err := w.store.OpenAttachment(ctx, as(u), u, c.ID, a.ID); apperr.KindOf(err) != apperr.NotFound {
				t.Errorf("%s opened an attachment: %v", u.Username, err)
			}
		}
		same("outsiders")
		if _, _, err := w.store.OpenAttachment(ctx, as(w.worker), w.worker, 999999, a.ID); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("an attachment of no case: %v", err)
		}
		c2 := openCase(t, w)
		if _, _, err := w.store.OpenAttachment(ctx, as(w.worker), w.worker, c2.ID, a.ID); apperr.As(err) == nil || apperr.As(err).Key != "attachment.not_found" {
			t.Errorf("case 2 opened case 1's attachment: %v", err)
		}

		// Without a directory nothing is taken.
		noDir := *w.store
		noDir.AttachmentDir = ""
		if _, err := noDir.Attach(ctx, as(w.worker), w.worker, c.ID, "foto.png", "", bytes.NewReader(pic)); apperr.As(err) == nil || apperr.As(err).Key != "attachment.no_directory" {
			t.Errorf("without a directory: %v", err)
		}
		same("no directory")

		// The same content twice: two rows, one file.
		again, err := w.store.Attach(ctx, as(w.worker), w.worker, c2.ID, "foto lagi.png", "", bytes.NewReader(pic))
		if err != nil || again.SHA256 != a.SHA256 || again.ID == a.ID {
			t.Fatalf("attached again: %+v, %v", again, err)
		}
		rows++
		same("the same content again")
		if _, b := readAttachment(t, w, w.worker, c2.ID, again.ID); !bytes.Equal(b, pic) {
			t.Errorf("read back the shared file as %d bytes", len(b))
		}

		// A transaction that fails after the file was written leaves no new
		// file behind, and keeps a file that another row refers to.
		for _, f := range []struct {
			name    string
			content []byte
		}{{"batal.pdf", append(pdfFile, "% lagi\n"...)}, {"batal.png", pic}} {
			cctx, cancel := context.WithCancel(ctx)
			_, err := w.store.Attach(cctx, as(w.worker), w.worker, c.ID, f.name, "", cancelAtEOF{bytes.NewReader(f.content), cancel})
			cancel()
			if err == nil {
				t.Fatalf("%s survived a cancelled request", f.name)
			}
			same("a failed transaction")
		}
	})
}
