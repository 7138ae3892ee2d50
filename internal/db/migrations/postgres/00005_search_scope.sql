-- Search at national scale (issue 4, point 6; floors.md).
--
-- linked_unit: a person is in reach of the workers of their unit's region
-- and of the unit that registered them (person.unit_id). Most people live in
-- their unit's region, so the second way matters only for those who do not:
-- linked_unit holds unit_id for exactly them (outside the unit's region and
-- its sentra coverage) and NULL for everyone else. A search or listing then
-- reads one small partial index for "linked to my unit, living elsewhere"
-- instead of every person the unit ever registered. The application keeps
-- it true when a person moves and when a unit's area changes.
--
-- person_key.linked_unit repeats it, so that a name search of that group is
-- one range of a key index too.
--
-- setting: small named values of the deployment (here: which scheme of name
-- keys person_key was built with, so a binary with new key rules rebuilds it).

-- +goose Up
ALTER TABLE person ADD COLUMN linked_unit BIGINT REFERENCES unit (id);
ALTER TABLE person_key ADD COLUMN linked_unit BIGINT;

UPDATE person AS p SET linked_unit = p.unit_id
WHERE p.unit_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM unit u WHERE u.id = p.unit_id
      AND (p.village_code >= u.region_code || '.' AND p.village_code < u.region_code || '/' OR p.village_code = u.region_code))
  AND NOT EXISTS (SELECT 1 FROM unit_coverage c WHERE c.unit_id = p.unit_id
      AND p.village_code >= c.province_code || '.' AND p.village_code < c.province_code || '/');
UPDATE person_key AS k SET linked_unit = p.linked_unit FROM person p
WHERE p.id = k.person_id AND p.linked_unit IS NOT NULL;

CREATE INDEX person_linked ON person (linked_unit, village_code, id) INCLUDE (active) WHERE linked_unit IS NOT NULL;
CREATE INDEX person_key_linked ON person_key (linked_unit, key, person_id) WHERE linked_unit IS NOT NULL;
-- A listing (people of a region by desa, then id) and its count read
-- these indexes alone: "active" is the one condition they always carry.
DROP INDEX person_village;
CREATE INDEX person_village ON person (village_code, id) INCLUDE (active);

-- unit.coverage repeats the unit's unit_coverage rows as "31,32,36", so
-- that the account read on every request carries its unit's whole area and
-- a reach needs no second query.
ALTER TABLE unit ADD COLUMN coverage TEXT NOT NULL DEFAULT '';
UPDATE unit SET coverage = c.codes FROM (SELECT unit_id, string_agg(province_code, ',' ORDER BY province_code) AS codes
    FROM unit_coverage GROUP BY unit_id) c WHERE c.unit_id = unit.id;

CREATE TABLE setting (
    name       TEXT COLLATE "C" PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE setting;
ALTER TABLE unit DROP COLUMN coverage;
DROP INDEX person_village;
CREATE INDEX person_village ON person (village_code, id);
DROP INDEX person_key_linked;
DROP INDEX person_linked;
ALTER TABLE person_key DROP COLUMN linked_unit;
ALTER TABLE person DROP COLUMN linked_unit;
