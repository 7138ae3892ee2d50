package registry

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/layan-id/layan/internal/db"
	"github.com/layan-id/layan/internal/wilayah"
)

// Search and listing at national scale.
//
// A reach is a few regions and a unit (Reach). Each region, narrowed by the
// region filter, is one "branch" that reads one range of an index: the name
// keys of its kab/kota or province (person_key is keyed by key, then
// regency), or its desa codes (person by village_code). The people linked
// to the unit who live elsewhere are one more branch, through the small
// partial indexes on linked_unit. Every branch is bounded by a LIMIT, and
// the branches are disjoint but for the linked ones, so what a request costs
// depends on the page asked for, never on how many people the registry or
// the unit holds (floors.md: deep OFFSET, OR across indexes and DISTINCT
// over thousands of rows are what made the naive queries slow).

// Filter narrows a search or a listing.
type Filter struct {
	Query    string       // the one search box: NIK, name words, birth year
	Within   wilayah.Code // region subtree
	Category string
	Inactive bool // include deactivated records
	Page     int
	Size     int
}

// Result is one page of a search.
type Result struct {
	Items []Summary
	Total int
	// More is true when Total counts only part of the matches: a name search
	// that found more than MaxCandidates (ranked no further: the user should
	// add a word, a year or a region), or a listing deeper than MaxListDepth.
	More bool
}

// MaxCandidates bounds how many matches a name search ranks. Above it the
// search asks for more words rather than scoring thousands of rows: at 50
// clients the cost of one query decides p99 (floors.md), and nobody reads
// a hundred Sitis to find one.
const MaxCandidates = 100

// MaxListDepth bounds OFFSET paging of plain listings and their counts
// (floors.md: deep OFFSET costs ~1.4 s at p99 under load). Forty pages of
// 25 is more than anyone pages through; past it the answer says "more" and
// the user narrows the region or adds a category or a name.
const MaxListDepth = 1000

// branch is one disjoint part of a reach, as conditions on person p.
type branch struct {
	area   wilayah.Code // the region, or "" for the linked branch
	linked int64        // the unit, for the linked branch
	within wilayah.Code // the region filter (linked branch only)
}

func branches(reach Reach, within wilayah.Code) []branch {
	var out []branch
	for _, a := range reach.within(within) {
		out = append(out, branch{area: a})
	}
	if reach.UnitID != 0 {
		out = append(out, branch{linked: reach.UnitID, within: within})
	}
	return out
}

// personCond is the branch as a condition on p.
func (b branch) personCond() (string, []any) {
	if b.linked == 0 {
		return villageCond("p.village_code", b.area)
	}
	cond, args := "p.linked_unit = ?", []any{b.linked}
	if b.within != "" {
		c, a := villageCond("p.village_code", b.within)
		cond, args = cond+" AND "+c, append(args, a...)
	}
	return cond, args
}

// keyCond is the branch as a condition on person_key k: the range of the
// key index it reads.
func (b branch) keyCond() (string, []any) {
	if b.linked != 0 {
		return "k.linked_unit = ?", []any{b.linked}
	}
	switch c := b.area; c.Level() {
	case wilayah.Province:
		return "k.regency_code >= ? AND k.regency_code < ?", []any{string(c) + ".", string(c) + "/"}
	case wilayah.Regency:
		return "k.regency_code = ?", []any{string(c)}
	default:
		for c.Level() > wilayah.Regency {
			c = c.Parent()
		}
		return "k.regency_code = ?", []any{string(c)}
	}
}

// Search finds people in reach, as summaries. A name search reads the key
// index (one range per branch and key) with the summaries of the matches in
// one query and ranks at most MaxCandidates of them in Go; a NIK search
// reads the NIK index; without a name the listing is by desa, then id.
func (s *Store) Search(ctx context.Context, reach Reach, f Filter) (Result, error) {
	if reach.None() {
		return Result{Items: []Summary{}}, nil
	}
	size := f.Size
	if size <= 0 || size > 100 {
		size = 25
	}
	page := max(f.Page, 1)
	nik, year, words := QueryTerms(f.Query)

	var where []string
	var args []any
	if !f.Inactive {
		// A literal, not a parameter: the planners then read "active" from
		// the listing indexes, which carry it.
		where = append(where, "p.active")
	}
	if f.Category != "" {
		where = append(where, "EXISTS (SELECT 1 FROM person_category pc WHERE pc.person_id = p.id AND pc.category = ?)")
		args = append(args, f.Category)
	}
	if year != 0 {
		where, args = append(where, "p.birth_year = ?"), append(args, year)
	}
	if nik != "" {
		if len(nik) == idDigits {
			where, args = append(where, "p.nik = ?"), append(args, nik)
		} else {
			// A prefix: the kecamatan where it was issued and on.
			where, args = append(where, "p.nik >= ? AND p.nik < ?"), append(args, nik, nik+":")
		}
	}
	bs := branches(reach, f.Within)
	if len(bs) == 0 {
		return Result{Items: []Summary{}}, nil
	}
	keyed := QueryKeys(words)
	keys := searchKeys(keyed, year)
	if len(words) > 0 && len(keys) == 0 {
		// Only initials were typed: nothing to look up by name.
		return Result{Items: []Summary{}}, nil
	}
	if len(keys) == 0 {
		if nik != "" && len(nik) == idDigits {
			return s.byNIK(ctx, bs, where, args, page, size)
		}
		return s.list(ctx, bs, where, args, page, size)
	}

	// One word without a year and no category: the only kind of search
	// that often matches more than can be ranked (floors.md: a common name
	// has thousands of rows in a province).
	broad := year == 0 && countKeyed(keyed) == 1 && f.Category == ""
	cands, more, err := s.candidates(ctx, bs, keys, broad, where, args)
	if err != nil {
		return Result{}, err
	}
	// Rank precisely in Go. Every keyed word must match (by key or better);
	// the stable order is score, then name, then id.
	nq := NewNameQuery(words)
	var hits []candidate
	for _, c := range cands {
		c.score = nq.Score(append([]string{c.Name}, c.Aliases...)...)
		if c.score >= ScoreInitial {
			hits = append(hits, c)
		}
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].score != hits[j].score {
			return hits[i].score > hits[j].score
		}
		if hits[i].Name != hits[j].Name {
			return hits[i].Name < hits[j].Name
		}
		return hits[i].ID < hits[j].ID
	})
	res := Result{Total: len(hits), More: more, Items: []Summary{}}
	lo := min((page-1)*size, len(hits))
	for _, h := range hits[lo:min(lo+size, len(hits))] {
		res.Items = append(res.Items, h.Summary)
	}
	return res, nil
}

const summaryColumns = `p.id, p.nik, p.name, p.aliases, p.sex, p.birth_date, p.birth_year, p.birth_year_estimated,
	p.village_code, p.categories, p.active`

// scanSummary reads summaryColumns after the columns of before. A row
// whose summary columns are all NULL (a listing's count with no page
// under it) gives the zero Summary.
func scanSummary(row interface{ Scan(...any) error }, before ...any) (Summary, error) {
	var id, birthYear sql.NullInt64
	var nik, name, aliases, sex, birthDate, village, cats sql.NullString
	var estimated, active sql.NullBool
	err := row.Scan(append(before, &id, &nik, &name, &aliases, &sex, &birthDate, &birthYear, &estimated,
		&village, &cats, &active)...)
	if err != nil || !id.Valid {
		return Summary{}, db.Err(err)
	}
	return Summary{ID: id.Int64, NIK: NIK(nik.String), Name: name.String, Aliases: splitList(aliases.String, "\n"),
		Sex: Sex(sex.String), BirthDate: birthDate.String, BirthYear: int(birthYear.Int64),
		BirthYearEstimated: estimated.Bool, Village: wilayah.Code(village.String),
		Categories: splitList(cats.String, ","), Active: active.Bool}, nil
}

// candidate is a match of the key index, as the page will show it, with
// its score.
type candidate struct {
	Summary
	score int
}

// rankSample is how many matches a search too broad to rank (more than
// MaxCandidates) still ranks, so that the answer shows a few names beside
// "add a word": reading each costs a visit to the person table.
const rankSample = 30

// areaDriven reports whether a branch is read from its people rather than
// from the key index: a kecamatan or desa holds a few hundred people,
// while the key index is keyed by kab/kota, where a common word has
// thousands.
func (b branch) areaDriven() bool {
	return b.linked == 0 && b.area.Level() > wilayah.Regency
}

// candidates reads the people whose keys match, with the filters applied,
// at most MaxCandidates+1 in all. A broad search (one word, no year, no
// category) first counts its matches in the key index alone (no visit to
// the person table), up to MaxCandidates+1, inside the same statement; when
// there are more, the index-read branches share a sample of rankSample
// rows instead. more reports that there were more than MaxCandidates.
func (s *Store) candidates(ctx context.Context, bs []branch, keys []string, broad bool, where []string, args []any) ([]candidate, bool, error) {
	keyArgs := make([]any, 0, len(keys))
	for _, k := range keys {
		keyArgs = append(keyArgs, k)
	}
	inKeys := "k.key IN (" + placeholders(len(keys)) + ")"
	var counts []string
	var qargs []any
	if broad {
		for i, b := range bs {
			if b.areaDriven() {
				continue
			}
			kc, ka := b.keyCond()
			counts = append(counts, fmt.Sprintf("SELECT * FROM (SELECT 1 AS one FROM person_key k WHERE %s AND %s LIMIT %d) n%d",
				inKeys, kc, MaxCandidates+1, i))
			qargs = append(append(qargs, keyArgs...), ka...)
		}
	}
	// limit bounds an index-read branch: the sample, shared by those
	// branches, when the count says there are too many to rank.
	limit := strconv.Itoa(MaxCandidates + 1)
	if len(counts) > 0 {
		limit = fmt.Sprintf("(SELECT CASE WHEN n > %d THEN %d ELSE %d END FROM n)",
			MaxCandidates, max(rankSample/len(counts), 10), MaxCandidates+1)
	}
	var parts []string
	for i, b := range bs {
		kc, ka := b.keyCond()
		pc, pa := b.personCond()
		if b.areaDriven() {
			// Each person of the area is looked up in the key index by the
			// whole primary key: index probes, no range of a common word.
			conds := append([]string{pc}, where...)
			parts = append(parts, fmt.Sprintf(`SELECT * FROM (SELECT %s FROM person p
				WHERE %s AND EXISTS (SELECT 1 FROM person_key k WHERE %s AND %s AND k.person_id = p.id) LIMIT %d) b%d`,
				summaryColumns, strings.Join(conds, " AND "), inKeys, kc, MaxCandidates+1, i))
			qargs = append(append(append(append(qargs, pa...), args...), keyArgs...), ka...)
			continue
		}
		conds := append([]string{inKeys, kc, pc}, where...)
		parts = append(parts, fmt.Sprintf(`SELECT * FROM (SELECT %s FROM person_key k
			JOIN person p ON p.id = k.person_id WHERE %s LIMIT %s) b%d`, summaryColumns, strings.Join(conds, " AND "), limit, i))
		qargs = append(append(append(append(qargs, keyArgs...), ka...), pa...), args...)
	}
	// The branches are read in turn and the whole stops at one row more
	// than can be ranked: past that the answer is "more" whichever branch
	// the rows came from, and every row read costs a visit to the person
	// table. With a count, every row carries it, and no match at all is
	// one row of the count alone.
	query := fmt.Sprintf("%s LIMIT %d", strings.Join(parts, " UNION ALL "), MaxCandidates+1)
	if len(counts) > 0 {
		query = fmt.Sprintf(`WITH n AS (SELECT COUNT(*) AS n FROM (%s LIMIT %d) c)
			SELECT n.n, b.* FROM n LEFT JOIN (%s) b ON 1 = 1`, strings.Join(counts, " UNION ALL "), MaxCandidates+1, query)
	}
	rows, err := s.DB.Query(ctx, query, qargs...)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	read, counted := 0, 0 // rows before duplicates are dropped; the count
	seen := map[int64]bool{}
	var out []candidate
	for rows.Next() {
		var sum Summary
		if len(counts) > 0 {
			sum, err = scanSummary(rows, &counted)
		} else {
			sum, err = scanSummary(rows)
		}
		if err != nil {
			return nil, false, err
		}
		if sum.ID == 0 {
			continue // the count with no match under it
		}
		read++
		// A person matching two keys (two readings of a word), or both by
		// region and by link, is one candidate.
		if seen[sum.ID] {
			continue
		}
		seen[sum.ID] = true
		out = append(out, candidate{Summary: sum})
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	more := counted > MaxCandidates || read > MaxCandidates
	if len(out) > MaxCandidates {
		out, more = out[:MaxCandidates], true
	}
	return out, more, nil
}

// byNIK finds the holders of a whole NIK (one, or a few with duplicates)
// through the NIK index, then keeps those in reach.
func (s *Store) byNIK(ctx context.Context, bs []branch, where []string, args []any, page, size int) (Result, error) {
	var reach []string
	var rargs []any
	for _, b := range bs {
		c, a := b.personCond()
		reach, rargs = append(reach, "("+c+")"), append(rargs, a...)
	}
	where = append(where, "("+strings.Join(reach, " OR ")+")")
	rows, err := s.DB.Query(ctx, "SELECT "+summaryColumns+" FROM person p WHERE "+strings.Join(where, " AND ")+
		" ORDER BY p.id LIMIT 1000", append(args, rargs...)...)
	if err != nil {
		return Result{}, err
	}
	defer rows.Close()
	var all []Summary
	for rows.Next() {
		p, err := scanSummary(rows)
		if err != nil {
			return Result{}, err
		}
		all = append(all, p)
	}
	if err := rows.Err(); err != nil {
		return Result{}, err
	}
	res := Result{Total: len(all), Items: []Summary{}}
	lo := min((page-1)*size, len(all))
	res.Items = append(res.Items, all[lo:min(lo+size, len(all))]...)
	return res, nil
}

// list pages through people in reach by desa, then id, up to MaxListDepth
// rows deep: each branch reads at most the rows up to the page's end, in
// index order, and the page is cut from their merge. The count and the
// page come in one statement: every row carries the total, and a page past
// the end is one row of the total alone.
func (s *Store) list(ctx context.Context, bs []branch, where []string, args []any, page, size int) (Result, error) {
	offset := (page - 1) * size
	var counts, rowsQ []string
	var cargs, rargs []any
	for i, b := range bs {
		c, a := b.personCond()
		w := " WHERE " + strings.Join(append([]string{c}, where...), " AND ")
		counts = append(counts, fmt.Sprintf("(SELECT COUNT(*) FROM (SELECT 1 FROM person p%s LIMIT %d) c%d)", w, MaxListDepth+1, i))
		cargs = append(append(cargs, a...), args...)
		rowsQ = append(rowsQ, fmt.Sprintf("SELECT * FROM (SELECT p.village_code, p.id FROM person p%s ORDER BY p.village_code, p.id LIMIT %d) r%d",
			w, min(offset+size, MaxListDepth), i))
		rargs = append(append(rargs, a...), args...)
	}
	// The branches page by the listing index alone (it carries active);
	// only the page's rows are read from the table.
	pageQ := fmt.Sprintf(`SELECT %s FROM (SELECT id FROM (%s) m ORDER BY village_code, id LIMIT %d OFFSET %d) pg
		JOIN person p ON p.id = pg.id ORDER BY p.village_code, p.id`, summaryColumns, strings.Join(rowsQ, " UNION ALL "), size, offset)
	if s.DB.Dialect() == db.SQLite {
		// In process, two statements cost SQLite less than the joined one,
		// which it plans less well; the round trip it saves is PostgreSQL's.
		return s.listApart(ctx, "SELECT "+strings.Join(counts, " + "), cargs, pageQ, rargs)
	}
	query := fmt.Sprintf(`SELECT t.total, pg.* FROM (SELECT %s AS total) t LEFT JOIN (%s) pg ON 1 = 1
		ORDER BY pg.village_code, pg.id`, strings.Join(counts, " + "), pageQ)
	rows, err := s.DB.Query(ctx, query, append(cargs, rargs...)...)
	if err != nil {
		return Result{}, err
	}
	defer rows.Close()
	res := Result{Items: []Summary{}}
	total := 0
	for rows.Next() {
		p, err := scanSummary(rows, &total)
		if err != nil {
			return Result{}, err
		}
		if p.ID != 0 {
			res.Items = append(res.Items, p)
		}
	}
	res.Total, res.More = min(total, MaxListDepth), total > MaxListDepth
	return res, rows.Err()
}

// listApart is list as a count, then the page.
func (s *Store) listApart(ctx context.Context, countQ string, cargs []any, pageQ string, rargs []any) (Result, error) {
	var total int
	if err := s.DB.QueryRow(ctx, countQ, cargs...).Scan(&total); err != nil {
		return Result{}, db.Err(err)
	}
	res := Result{Total: min(total, MaxListDepth), More: total > MaxListDepth, Items: []Summary{}}
	if total == 0 {
		return res, nil
	}
	rows, err := s.DB.Query(ctx, pageQ, rargs...)
	if err != nil {
		return Result{}, err
	}
	defer rows.Close()
	for rows.Next() {
		p, err := scanSummary(rows)
		if err != nil {
			return Result{}, err
		}
		res.Items = append(res.Items, p)
	}
	return res, rows.Err()
}

// CountReach counts the active people in reach, exactly: the home page's
// figure. Unlike a listing's count it has no bound, so it reads every
// entry of the reach's ranges of the (village_code, id, active) index: a
// few milliseconds for a province, once per visit of the home page.
func (s *Store) CountReach(ctx context.Context, reach Reach) (int, error) {
	var parts []string
	var args []any
	for _, b := range branches(reach, "") {
		c, a := b.personCond()
		parts = append(parts, "(SELECT COUNT(*) FROM person p WHERE "+c+" AND p.active)")
		args = append(args, a...)
	}
	if len(parts) == 0 {
		return 0, nil
	}
	var n int
	err := s.DB.QueryRow(ctx, "SELECT "+strings.Join(parts, " + "), args...).Scan(&n)
	return n, db.Err(err)
}
