-- 0014 reason codes (issue 18): revisit reasons, cancel reasons and form-count differences are
-- chosen from coded lists, so reports count codes and never print what staff typed. Staff's
-- words stay here, in the encrypted store. Reasons recorded before codes read as 'other'.

-- The code of a case's revisit or cancellation (end_reason keeps the words).
ALTER TABLE visits ADD COLUMN end_code TEXT NOT NULL DEFAULT '';
UPDATE visits SET end_code = 'other' WHERE state IN ('revisit', 'cancelled');

-- The code of the counter's revisit decision (reason keeps the words).
ALTER TABLE checklist_outcomes ADD COLUMN reason_code TEXT NOT NULL DEFAULT '';
UPDATE checklist_outcomes SET reason_code = 'other' WHERE outcome = 'revisit';

-- The code of the back office's explanation of a difference (note keeps the words).
ALTER TABLE form_counts ADD COLUMN note_code TEXT NOT NULL DEFAULT '';
UPDATE form_counts SET note_code = 'other' WHERE note <> '';

-- The codes the city added to the lists in settings (JSON array of {kind, code, label, active}),
-- in the one-row table of the city's rules so every seat has them.
ALTER TABLE booking_rules ADD COLUMN city_reasons TEXT NOT NULL DEFAULT '[]';
