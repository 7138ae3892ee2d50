package registry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/layan-id/layan/internal/db"
)

// KeyScheme numbers the rules by which personKeys turns a person into rows
// of person_key. A binary whose scheme differs from the one a database was
// indexed with rebuilds the rows (UpgradeKeys), so a change of the key rules
// never leaves people unfindable.
const KeyScheme = "2"

const keySchemeSetting = "registry.key_scheme"

// upgradeLock is the PostgreSQL advisory lock of UpgradeKeys' batches.
const upgradeLock = 0x6c6179616e4b6579 // "layanKey"

// Keys of a person for the name index:
//   - "w:k", each word's spelling-tolerant keys;
//   - "p:a|b" (a < b), the keys of each pair among the first four words of a
//     name, so that a two-word search reads one short index range even for
//     the commonest names;
//   - "y:k|1989", each of those words' keys with the birth year, so that
//     "siti 1989" is one short range too rather than every Siti filtered by
//     year (floors.md: the cost of one query decides p99 under load).
//
// Aliases are keyed like the name.
func personKeys(name string, aliases []string, birthYear int) []string {
	seen := map[string]bool{}
	var out []string
	add := func(k string) {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	year := ""
	if birthYear != 0 {
		year = strconv.Itoa(birthYear)
	}
	for _, n := range append([]string{name}, aliases...) {
		var keyed [][]string
		for _, ks := range NameWordKeys(n) {
			for _, k := range ks {
				add("w:" + k)
			}
			if len(ks) > 0 && len(keyed) < 4 {
				keyed = append(keyed, ks)
			}
		}
		for i := 0; i < len(keyed); i++ {
			for _, a := range keyed[i] {
				if year != "" {
					add(yearKey(a, year))
				}
				for j := i + 1; j < len(keyed); j++ {
					for _, b := range keyed[j] {
						add(pairKey(a, b))
					}
				}
			}
		}
	}
	return out
}

func pairKey(a, b string) string {
	if b < a {
		a, b = b, a
	}
	return "p:" + a + "|" + b
}

func yearKey(k, year string) string { return "y:" + k + "|" + year }

// searchKeys are the index keys a name search reads: the pair keys of the
// first two keyed words; with one keyed word, its keys with the birth year
// when one was typed, else the word's keys alone. None means the query has
// no keyed word (only initials).
func searchKeys(keyed [][]string, year int) []string {
	var keys []string
	switch n := countKeyed(keyed); {
	case n >= 2:
		for _, x := range nthKeyed(keyed, 0) {
			for _, y := range nthKeyed(keyed, 1) {
				keys = append(keys, pairKey(x, y))
			}
		}
	case n == 1 && year != 0:
		for _, x := range nthKeyed(keyed, 0) {
			keys = append(keys, yearKey(x, strconv.Itoa(year)))
		}
	case n == 1:
		for _, x := range nthKeyed(keyed, 0) {
			keys = append(keys, "w:"+x)
		}
	}
	return keys
}

func countKeyed(keyed [][]string) int {
	n := 0
	for _, ks := range keyed {
		if len(ks) > 0 {
			n++
		}
	}
	return n
}

func nthKeyed(keyed [][]string, n int) []string {
	for _, ks := range keyed {
		if len(ks) > 0 {
			if n == 0 {
				return ks
			}
			n--
		}
	}
	return nil
}

// writeIndex replaces a person's rows in the name-key and category indexes.
// linked is the person's linked_unit (0 for none).
func writeIndex(ctx context.Context, q db.Q, id int64, c checked, linked int64) error {
	for _, table := range []string{"person_key", "person_category"} {
		if _, err := q.Exec(ctx, "DELETE FROM "+table+" WHERE person_id = ?", id); err != nil {
			return err
		}
	}
	regency := string(c.village.Parent().Parent())
	if err := insertKeys(ctx, q, id, regency, linked, personKeys(c.name, c.aliases, c.birthYear)); err != nil {
		return err
	}
	for _, cat := range c.categories {
		if _, err := q.Exec(ctx, "INSERT INTO person_category (category, regency_code, person_id) VALUES (?, ?, ?)", cat, regency, id); err != nil {
			return err
		}
	}
	return nil
}

// insertKeys writes one person's key rows in one statement.
func insertKeys(ctx context.Context, q db.Q, id int64, regency string, linked int64, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	args := make([]any, 0, 4*len(keys))
	for _, k := range keys {
		args = append(args, k, regency, id, nullInt(linked))
	}
	_, err := q.Exec(ctx, "INSERT INTO person_key (key, regency_code, person_id, linked_unit) VALUES "+
		strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?),", len(keys)), ","), args...)
	return err
}

// UpgradeKeys rebuilds person_key when the database was indexed with
// another KeyScheme, a batch of people per transaction, and then records
// the scheme. A run that stops half-way is taken up by the next start: each
// batch replaces whole people's rows, so redoing one is harmless.
func UpgradeKeys(ctx context.Context, d *db.DB, progress func(done int)) error {
	var have string
	err := db.Err(d.QueryRow(ctx, "SELECT value FROM setting WHERE name = ?", keySchemeSetting).Scan(&have))
	if err != nil && !errors.Is(err, db.ErrNotFound) {
		return err
	}
	if have == KeyScheme {
		return nil
	}
	const batch = 5000
	var after int64
	done := 0
	for {
		n := 0
		err := d.InTx(ctx, func(tx *db.Tx) error {
			if d.Dialect() == db.Postgres {
				// Instances starting together take turns per batch (SQLite's
				// write transactions take turns anyway): redoing a batch
				// another just did is harmless, interleaving one is not.
				if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(?)", upgradeLock); err != nil {
					return err
				}
			}
			rows, err := tx.Query(ctx, `SELECT id, name, aliases, birth_year, village_code, linked_unit FROM person
				WHERE id > ? ORDER BY id LIMIT ?`, after, batch)
			if err != nil {
				return err
			}
			type one struct {
				id, linked int64
				name       string
				aliases    []string
				year       int
				regency    string
			}
			var people []one
			for rows.Next() {
				var o one
				var aliases, village string
				var year, linked sql.NullInt64
				if err := rows.Scan(&o.id, &o.name, &aliases, &year, &village, &linked); err != nil {
					rows.Close()
					return db.Err(err)
				}
				o.aliases, o.year, o.linked = splitList(aliases, "\n"), int(year.Int64), linked.Int64
				o.regency = regencyOf(village)
				people = append(people, o)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			for _, o := range people {
				if _, err := tx.Exec(ctx, "DELETE FROM person_key WHERE person_id = ?", o.id); err != nil {
					return err
				}
				if err := insertKeys(ctx, tx, o.id, o.regency, o.linked, personKeys(o.name, o.aliases, o.year)); err != nil {
					return err
				}
				after = o.id
			}
			n = len(people)
			return nil
		})
		if err != nil {
			return fmt.Errorf("registry: rebuilding name keys: %w", err)
		}
		done += n
		if progress != nil && n > 0 {
			progress(done)
		}
		if n < batch {
			break
		}
	}
	// Several instances starting at once may all get here: the last write wins
	// and every one of them writes the same.
	_, err = d.Exec(ctx, `INSERT INTO setting (name, value, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		keySchemeSetting, KeyScheme, db.Now())
	return err
}
