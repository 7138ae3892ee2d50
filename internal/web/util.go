package web

import "strconv"

func itoa(n int) string { return strconv.Itoa(n) }

// listSize is the page size the domain lists use: 1–100, default 25.
func listSize(n int) int {
	if n <= 0 || n > 100 {
		return 25
	}
	return n
}
