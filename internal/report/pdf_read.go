package report

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"unicode/utf16"
)

// ReadPDFText reads back the text of each page of a PDF that this package
// wrote, so that the unit tests and the browser test check what a reader
// of the document sees without an outside tool (pdftotext is not on every
// machine). It knows exactly what fpdf writes with embedded UTF-8 fonts —
// classic cross-reference, one content stream per page (zlib-compressed or
// not), text as UTF-16BE literal strings shown with Tj or TJ after a Td —
// and is no general PDF reader: it returns an error for anything else.
func ReadPDFText(pdf []byte) ([][]PDFText, error) {
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		return nil, errors.New("report: not a PDF")
	}
	objects := pdfObjects(pdf)
	var kids []int
	for _, body := range objects {
		dict := pdfDict(body)
		if !typePages.Match(dict) {
			continue
		}
		m := kidsArray.FindSubmatch(dict)
		if m == nil {
			return nil, errors.New("report: page tree without kids")
		}
		for _, ref := range objectRef.FindAllSubmatch(m[1], -1) {
			n, _ := strconv.Atoi(string(ref[1]))
			kids = append(kids, n)
		}
		break
	}
	if len(kids) == 0 {
		return nil, errors.New("report: no pages")
	}
	var pages [][]PDFText
	for _, kid := range kids {
		m := contentsRef.FindSubmatch(pdfDict(objects[kid]))
		if m == nil {
			return nil, fmt.Errorf("report: page object %d without contents", kid)
		}
		n, _ := strconv.Atoi(string(m[1]))
		content, err := pdfStream(objects[n])
		if err != nil {
			return nil, fmt.Errorf("report: content of page object %d: %w", kid, err)
		}
		texts, err := contentText(content)
		if err != nil {
			return nil, fmt.Errorf("report: content of page object %d: %w", kid, err)
		}
		pages = append(pages, texts)
	}
	return pages, nil
}

// PDFText is one piece of text as drawn: a line of a cell or a paragraph,
// at X, Y in points from the page's bottom left corner.
type PDFText struct {
	X, Y float64
	Text string
}

var (
	objectStart = regexp.MustCompile(`(?m)^(\d+) 0 obj\b`)
	typePages   = regexp.MustCompile(`/Type\s*/Pages\b`)
	kidsArray   = regexp.MustCompile(`/Kids\s*\[([^\]]*)\]`)
	objectRef   = regexp.MustCompile(`(\d+)\s+0\s+R`)
	contentsRef = regexp.MustCompile(`/Contents\s+(\d+)\s+0\s+R`)
	lengthEntry = regexp.MustCompile(`/Length\s+(\d+)`) // fpdf writes lengths directly
)

// pdfObjects maps each object's number to its bytes, up to "endobj".
func pdfObjects(pdf []byte) map[int][]byte {
	out := map[int][]byte{}
	for _, loc := range objectStart.FindAllSubmatchIndex(pdf, -1) {
		n, _ := strconv.Atoi(string(pdf[loc[2]:loc[3]]))
		body := pdf[loc[1]:]
		// A stream's data may hold "endobj": skip past "endstream" first.
		from := 0
		if i := bytes.Index(body, []byte("stream")); i >= 0 {
			if j := bytes.Index(body, []byte("endobj")); j < 0 || i < j {
				if k := bytes.Index(body, []byte("endstream")); k >= 0 {
					from = k
				}
			}
		}
		if end := bytes.Index(body[from:], []byte("endobj")); end >= 0 {
			body = body[:from+end]
		}
		out[n] = body
	}
	return out
}

// pdfDict is an object's bytes before its stream, if any.
func pdfDict(body []byte) []byte {
	if i := bytes.Index(body, []byte("stream")); i >= 0 {
		return body[:i]
	}
	return body
}

// pdfStream is an object's stream data, inflated when compressed.
func pdfStream(body []byte) ([]byte, error) {
	dict := pdfDict(body)
	if len(dict) == len(body) {
		return nil, errors.New("no stream")
	}
	m := lengthEntry.FindSubmatch(dict)
	if m == nil {
		return nil, errors.New("stream without a length")
	}
	length, _ := strconv.Atoi(string(m[1]))
	data := body[len(dict)+len("stream"):]
	switch {
	case bytes.HasPrefix(data, []byte("\r\n")):
		data = data[2:]
	case bytes.HasPrefix(data, []byte("\n")):
		data = data[1:]
	}
	if length > len(data) {
		return nil, errors.New("stream shorter than its length")
	}
	data = data[:length]
	if !bytes.Contains(dict, []byte("/FlateDecode")) {
		return data, nil
	}
	z, err := zlib.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer z.Close()
	return io.ReadAll(z)
}

// contentText reads the text a content stream shows: the operands of Tj
// and TJ, decoded from UTF-16BE, at the position of the last Td.
func contentText(c []byte) ([]PDFText, error) {
	var out []PDFText
	var nums []float64
	var strs [][]byte
	var inArray bool
	var arrayStrs [][]byte
	var x, y float64
	for i := 0; i < len(c); {
		ch := c[i]
		switch {
		case ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t':
			i++
		case ch == '(':
			s, next, err := literalString(c, i)
			if err != nil {
				return nil, err
			}
			if inArray {
				arrayStrs = append(arrayStrs, s)
			} else {
				strs = append(strs, s)
			}
			i = next
		case ch == '[':
			inArray, arrayStrs = true, nil
			i++
		case ch == ']':
			inArray = false
			i++
		case ch == '/' || ch == '<' || ch == '>':
			// Names and dictionaries (of marked content): skip the token.
			i++
			for i < len(c) && !isDelimiter(c[i]) {
				i++
			}
		default:
			j := i
			for j < len(c) && !isDelimiter(c[j]) {
				j++
			}
			if j == i {
				i++ // a delimiter this reader has no use for
				continue
			}
			tok := string(c[i:j])
			i = j
			if v, err := strconv.ParseFloat(tok, 64); err == nil {
				if inArray {
					continue // a TJ array's spacing
				}
				nums = append(nums, v)
				continue
			}
			switch tok {
			case "Td":
				if len(nums) >= 2 {
					x, y = nums[len(nums)-2], nums[len(nums)-1]
				}
			case "Tj":
				if len(strs) > 0 {
					out = append(out, PDFText{X: x, Y: y, Text: utf16Text(strs[len(strs)-1])})
				}
			case "TJ":
				out = append(out, PDFText{X: x, Y: y, Text: utf16Text(bytes.Join(arrayStrs, nil))})
				arrayStrs = nil
			}
			nums, strs = nums[:0], strs[:0]
		}
	}
	return out, nil
}

func isDelimiter(b byte) bool {
	switch b {
	case ' ', '\n', '\r', '\t', '(', ')', '[', ']', '/', '<', '>':
		return true
	}
	return false
}

// literalString reads the PDF literal string that starts at c[i] == '('
// and returns its bytes and the index after it.
func literalString(c []byte, i int) ([]byte, int, error) {
	var out []byte
	depth := 0
	for i++; i < len(c); i++ {
		ch := c[i]
		switch ch {
		case '\\':
			i++
			if i >= len(c) {
				return nil, 0, errors.New("string ends in an escape")
			}
			switch e := c[i]; e {
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case '\n':
				// a line continued
			case '0', '1', '2', '3', '4', '5', '6', '7':
				v := 0
				k := 0
				for ; k < 3 && i+k < len(c) && c[i+k] >= '0' && c[i+k] <= '7'; k++ {
					v = v*8 + int(c[i+k]-'0')
				}
				i += k - 1
				out = append(out, byte(v))
			default:
				out = append(out, e) // \\ \( \)
			}
		case '(':
			depth++
			out = append(out, ch)
		case ')':
			if depth == 0 {
				return out, i + 1, nil
			}
			depth--
			out = append(out, ch)
		default:
			out = append(out, ch)
		}
	}
	return nil, 0, errors.New("unterminated string")
}

// utf16Text decodes the UTF-16BE that fpdf writes for UTF-8 fonts.
func utf16Text(b []byte) string {
	units := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		units = append(units, uint16(b[i])<<8|uint16(b[i+1]))
	}
	return string(utf16.Decode(units))
}
