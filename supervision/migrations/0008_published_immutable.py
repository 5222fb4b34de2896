"""Published records are immutable at the database level (R5, 第二十一条): a correction is a new
notice. UPDATE and DELETE of a published result are refused, and of an announcement once it was
published; the correction path only inserts. Maintenance (a bench rolling back, a court-ordered
erasure) sets `SET LOCAL portal.published_maintenance = 'on'` in its own transaction, on purpose."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION supervision_published_immutable() RETURNS trigger AS $$
BEGIN
    IF current_setting('portal.published_maintenance', true) = 'on' THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    RAISE EXCEPTION 'published records are immutable: % on % refused; a correction is a new notice',
        TG_OP, TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END
$$ LANGUAGE plpgsql;

-- an announcement being published has its count and time set once, while published_at is still empty
CREATE OR REPLACE FUNCTION supervision_announcement_immutable() RETURNS trigger AS $$
BEGIN
    IF OLD.published_at IS NULL OR current_setting('portal.published_maintenance', true) = 'on' THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    RAISE EXCEPTION 'published records are immutable: % on % refused; a correction is a new notice',
        TG_OP, TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER publishedresult_immutable BEFORE UPDATE OR DELETE ON supervision_publishedresult
    FOR EACH ROW EXECUTE FUNCTION supervision_published_immutable();
CREATE TRIGGER announcement_immutable BEFORE UPDATE OR DELETE ON supervision_announcement
    FOR EACH ROW EXECUTE FUNCTION supervision_announcement_immutable();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS publishedresult_immutable ON supervision_publishedresult;
DROP TRIGGER IF EXISTS announcement_immutable ON supervision_announcement;
DROP FUNCTION IF EXISTS supervision_published_immutable();
DROP FUNCTION IF EXISTS supervision_announcement_immutable();
"""


class Migration(migrations.Migration):
    dependencies = [("supervision", "0007_rule_exactness")]
    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
