package casework

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/layan-id/layan/internal/access"
	"github.com/layan-id/layan/internal/apperr"
	"github.com/layan-id/layan/internal/audit"
	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/filestore"
)

// Attachment is a file added to a case: a scanned consent form, a photo
// of the home visit, a letter. The file is kept on disk named by the
// SHA-256 of its content; the row keeps what was checked.
type Attachment struct {
	ID          int64     `json:"id"`
	CaseID      int64     `json:"case_id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	Note        string    `json:"note"`
	UploadedBy  int64     `json:"uploaded_by,omitempty"`
	UploadedAt  time.Time `json:"uploaded_at"`
}

// DefaultMaxAttachment bounds one file when Store.MaxAttachment is zero:
// a scanned form or a phone photo fits with room to spare.
const DefaultMaxAttachment = 10 << 20

const maxAttachmentName = 200

// attachmentKind is a type of file a case takes. The type is decided from
// the content, never from the name alone: a name is whatever the sender
// typed, and a browser shows a file by what it is.
type attachmentKind struct {
	contentType string
	label       string // for messages
	magic       []byte // how the content starts
	exts        []string
}

var attachmentKinds = []attachmentKind{
	{"application/pdf", "PDF", []byte("%PDF-"), []string{".pdf"}},
	{"image/jpeg", "JPEG", []byte{0xFF, 0xD8, 0xFF}, []string{".jpg", ".jpeg"}},
	{"image/png", "PNG", []byte{0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}, []string{".png"}},
}

// kindOf returns the allowed kind of a file that starts with head, or
// false. The standard sniffer and the magic number must both agree.
func kindOf(head []byte) (attachmentKind, bool) {
	sniffed, _, _ := mime.ParseMediaType(http.DetectContentType(head))
	for _, k := range attachmentKinds {
		if sniffed == k.contentType && bytes.HasPrefix(head, k.magic) {
			return k, true
		}
	}
	return attachmentKind{}, false
}

// attachmentName is the base name of what the sender called the file:
// browsers on Windows may send the whole path.
func attachmentName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	return strings.TrimSpace(name)
}

func checkAttachmentName(name string, f *apperr.Fields) {
	switch {
	case name == "":
		f.Add("file", "field.required")
	case len([]rune(name)) > maxAttachmentName:
		f.Add("file", "field.too_long", maxAttachmentName)
	case !utf8.ValidString(name) || strings.IndexFunc(name, unicode.IsControl) >= 0:
		// A name is shown on pages and sent back in a header.
		f.Add("file", "attachment.name_invalid")
	}
}

func (s *Store) maxAttachment() int64 {
	if s.MaxAttachment > 0 {
		return s.MaxAttachment
	}
	return DefaultMaxAttachment
}

func (s *Store) attachmentPath(sum string) string {
	return filepath.Join(s.AttachmentDir, sum[:2], sum)
}

// Attach adds the file read from r to a case, for its team and its unit's
// supervisors, in every stage. The file is checked (size, type from the
// content, a name that agrees with it) before it is kept; the same content
// attached twice is kept once on disk.
func (s *Store) Attach(ctx context.Context, actor audit.Actor, u access.User, caseID int64, name, note string, r io.Reader) (Attachment, error) {
	if s.AttachmentDir == "" {
		return Attachment{}, apperr.New(apperr.Internal, "attachment.no_directory")
	}
	var f apperr.Fields
	name, note = attachmentName(name), strings.TrimSpace(note)
	checkAttachmentName(name, &f)
	if len([]rune(note)) > maxNote {
		f.Add("note", "field.too_long", maxNote)
	}
	// Nobody outside the case gets to fill the disk: look before reading.
	c, err := getCase(ctx, s.DB, caseID)
	if errors.Is(err, db.ErrNotFound) || (err == nil && actorOf(u, c) == Outsider) {
		return Attachment{}, errCaseNotFound
	}
	if err != nil {
		return Attachment{}, err
	}

	limit := s.maxAttachment()
	in := bufio.NewReaderSize(io.LimitReader(r, limit+1), 512)
	head, err := in.Peek(512)
	if err != nil && err != io.EOF {
		return Attachment{}, err
	}
	kind, ok := kindOf(head)
	switch {
	case len(head) == 0:
		f.Add("file", "attachment.empty")
	case !ok:
		f.Add("file", "attachment.type_not_allowed")
	case !f.Has("file") && !oneOf(strings.ToLower(filepath.Ext(name)), kind.exts):
		f.Add("file", "attachment.type_mismatch", name, kind.label, kind.exts[0])
	}
	if err := f.Err(); err != nil {
		return Attachment{}, err
	}

	sum, size, created, err := s.keep(in, limit)
	if err != nil {
		return Attachment{}, err
	}
	var out Attachment
	_, err = s.act(ctx, actor, u, caseID, step{event: Event{Action: Attach}, note: "lampiran: " + name,
		write: func(ctx context.Context, tx *db.Tx, c Case, next State, now time.Time) error {
			out = Attachment{CaseID: caseID, Name: name, ContentType: kind.contentType, Size: size, SHA256: sum,
				Note: note, UploadedBy: u.ID, UploadedAt: now}
			err := tx.QueryRow(ctx, `INSERT INTO case_attachment (case_id, name, content_type, size, sha256, note,
				uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				caseID, name, kind.contentType, size, sum, note, u.ID, now).Scan(&out.ID)
			if err != nil {
				return db.Err(err)
			}
			return audit.Record(ctx, tx, actor, audit.Entry{Action: audit.Create, Entity: "case_attachment",
				EntityID: strconv.FormatInt(out.ID, 10), Region: c.Village, After: out})
		}})
	if err != nil {
		if created {
			// Even when the request was cancelled, which may be why it failed.
			s.forget(context.WithoutCancel(ctx), sum)
		}
		return Attachment{}, err
	}
	return out, nil
}

// keep writes the rest of a file to the attachment directory under its
// SHA-256, atomically (filestore.Dir.Keep, shared with the photos of
// facility audits). created is false when the same content was already
// kept. A file over limit is refused and nothing stays on disk.
func (s *Store) keep(in io.Reader, limit int64) (sum string, size int64, created bool, err error) {
	return filestore.Dir(s.AttachmentDir).Keep(in, limit)
}

// forget removes a file kept for an attachment that was not stored,
// unless a row refers to the same content. Best effort: an orphan file
// harms nobody, a missing one loses a document. Attach calls it only for
// a file it created itself; the same content being attached at this very
// moment by another request is not seen until that one commits.
func (s *Store) forget(ctx context.Context, sum string) {
	var n int
	if err := s.DB.QueryRow(ctx, "SELECT COUNT(*) FROM case_attachment WHERE sha256 = ?", sum).Scan(&n); err != nil || n > 0 {
		return
	}
	os.Remove(s.attachmentPath(sum))
}

// OpenAttachment opens an attachment of a case, for its team and its
// unit's supervisors; to anyone else the case does not exist, as in Get.
// Every opening is audited: attachments are specific personal data (UU
// 27/2022 Pasal 4): signed consent forms, photos of people and homes.
// Those of a case whose specific data u does not see (hidesText) are not
// found, and nothing is audited since nothing is opened. The caller closes
// the file.
func (s *Store) OpenAttachment(ctx context.Context, actor audit.Actor, u access.User, caseID, attachmentID int64) (Attachment, io.ReadCloser, error) {
	c, err := getCase(ctx, s.DB, caseID)
	if errors.Is(err, db.ErrNotFound) || (err == nil && actorOf(u, c) == Outsider) {
		return Attachment{}, nil, errCaseNotFound
	}
	if err != nil {
		return Attachment{}, nil, err
	}
	if hidesText(u, c) {
		return Attachment{}, nil, errAttachmentNotFound
	}
	a, err := scanAttachment(s.DB.QueryRow(ctx, "SELECT "+attachmentColumns+" FROM case_attachment WHERE id = ? AND case_id = ?",
		attachmentID, caseID))
	if errors.Is(err, db.ErrNotFound) {
		return Attachment{}, nil, errAttachmentNotFound
	}
	if err != nil {
		return Attachment{}, nil, err
	}
	if s.AttachmentDir == "" {
		return Attachment{}, nil, apperr.New(apperr.Internal, "attachment.no_directory")
	}
	file, err := os.Open(s.attachmentPath(a.SHA256))
	if err != nil {
		return Attachment{}, nil, apperr.Wrap(apperr.Internal, "error.internal", err)
	}
	err = audit.Record(ctx, s.DB, actor, audit.Entry{Action: audit.Read, Entity: "case_attachment",
		EntityID: strconv.FormatInt(a.ID, 10), Region: c.Village})
	if err != nil {
		file.Close()
		return Attachment{}, nil, err
	}
	return a, file, nil
}

var errAttachmentNotFound = apperr.New(apperr.NotFound, "attachment.not_found")

const attachmentColumns = "id, case_id, name, content_type, size, sha256, note, uploaded_by, uploaded_at"

func scanAttachment(row interface{ Scan(...any) error }) (Attachment, error) {
	var a Attachment
	var by sql.NullInt64
	if err := row.Scan(&a.ID, &a.CaseID, &a.Name, &a.ContentType, &a.Size, &a.SHA256, &a.Note, &by, &a.UploadedAt); err != nil {
		return Attachment{}, db.Err(err)
	}
	a.UploadedBy, a.UploadedAt = by.Int64, a.UploadedAt.UTC()
	return a, nil
}

// listAttachments lists a case's attachments in the order they came, for
// the case page.
func listAttachments(ctx context.Context, q db.Q, caseID int64) ([]Attachment, error) {
	rows, err := q.Query(ctx, "SELECT "+attachmentColumns+" FROM case_attachment WHERE case_id = ? ORDER BY id", caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Attachment{}
	for rows.Next() {
		a, err := scanAttachment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
