package casework

import (
	"strings"
	"testing"

	"github.com/layan-id/layan/internal/db"
)

// On PostgreSQL the unit's view has its unit and day written in, and no
// placeholder left; on SQLite it keeps its parameters.
func TestUnitWorkQuery(t *testing.T) {
	q, args := unitWorkQuery(db.Postgres, 42, "2026-11-24")
	if len(args) != 0 || strings.Contains(q, "?") || strings.Count(q, "unit_id = 42") != 2 || !strings.Contains(q, "f.due_on <= '2026-11-24'") {
		t.Errorf("postgres: %v\n%s", args, q)
	}
	if q, args := unitWorkQuery(db.Postgres, 42, "2026-11-24'; --"); len(args) != 3 || q != unitWork {
		t.Errorf("a day that is not a date is written in: %v", args)
	}
	if q, args := unitWorkQuery(db.SQLite, 42, "2026-11-24"); len(args) != 3 || q != unitWork {
		t.Errorf("sqlite: %v", args)
	}
}
