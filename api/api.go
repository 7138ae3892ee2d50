// Package api embeds layan's OpenAPI 3.1 document, api/openapi.yaml, the
// description of /api/v1 that a test holds against the routes and responses.
package api

import (
	_ "embed"
	"fmt"

	"go.yaml.in/yaml/v3"
)

//go:embed openapi.yaml
var document []byte

// YAML returns the document as written.
func YAML() []byte { return document }

// Document returns the document decoded into plain maps and slices, ready to
// be written as JSON.
func Document() (map[string]any, error) {
	var doc map[string]any
	if err := yaml.Unmarshal(document, &doc); err != nil {
		return nil, fmt.Errorf("api: openapi.yaml: %w", err)
	}
	return doc, nil
}
