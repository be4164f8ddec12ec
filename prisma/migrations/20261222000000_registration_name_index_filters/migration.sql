-- The name index on Registration also carries the columns a custom report filters members by (gender, birth date,
-- card periods): a region's report by name walks the index without reading the table for each entry it passes
-- (a region's "women under 35" page read 30,000 table rows: 1.4 s; index-only it stops after its page), and the
-- registration's id, which every page of ids selects (a region's list by name and a surname search over a region
-- or the union then never read the table either).
DROP INDEX "Registration_name_idx";
CREATE INDEX "Registration_name_idx" ON "Registration"
  ("lastNameKey" COLLATE "C", "firstName" COLLATE "C", "middleName" COLLATE "C", "memberId")
  INCLUDE (id, "organisationId", "validFrom", "validTo", category, gender, "birthDate", "cardPlastic", "cardVirtual");
