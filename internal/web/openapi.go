package web

import (
	"encoding/json"
	"net/http"

	"github.com/layan-id/layan/api"
)

// loadOpenAPI converts the embedded YAML document to JSON once, at start.
func loadOpenAPI() ([]byte, error) {
	doc, err := api.Document()
	if err != nil {
		return nil, err
	}
	return json.Marshal(doc)
}

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write(s.openapi)
}
