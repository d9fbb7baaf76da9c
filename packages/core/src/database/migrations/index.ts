import type { MigrationSet } from "../Migrations.js"
import m0001 from "./0001_kas_schema.js"
import m0002 from "./0002_kas_domain.js"
import m0003 from "./0003_kas_history.js"
import m0004 from "./0004_kas_history_hash_join.js"
import m0005 from "./0005_kas_history_one_per_transaction.js"
import m0006 from "./0006_kas_statements_today.js"
import m0007 from "./0007_kas_loss_cell_same_policy.js"
import m0008 from "./0008_kas_history_row_compare.js"
import m0009 from "./0009_kas_policy_document_policy.js"
import m0010 from "./0010_kas_citizen_overview.js"
import m0011 from "./0011_kas_citizen_overview_json.js"
import m0012 from "./0012_kas_audit_insert_once.js"
import m0013 from "./0013_kas_used_negative_return.js"
import m0014 from "./0014_kas_citizen_views.js"
import m0015 from "./0015_kas_citizen_companies.js"
import m0016 from "./0016_kas_representation_session.js"
import m0017 from "./0017_kas_citizen_overview_companies.js"
import m0018 from "./0018_kas_prepayment_files_dafo.js"
import m0019 from "./0019_kas_person_search_trigram.js"
import m0020 from "./0020_kas_tax_slip.js"
import m0021 from "./0021_kas_history_attachments.js"
import m0022 from "./0022_kas_summary_files.js"
import m0023 from "./0023_kas_person_search_cost.js"
import m0024 from "./0024_kas_extract_list_indexes.js"
import m0025 from "./0025_kas_eboks_dispatch_intent.js"
import m0026 from "./0026_kas_history_statements.js"
import m0027 from "./0027_kas_person_search_serial.js"
import m0028 from "./0028_kas_days_check_per_statement.js"
import m0029 from "./0029_kas_statement_inputs.js"
import m0030 from "./0030_kas_citizen_overviews.js"

/** The migrations of @kas/core (schema `kas`), in order. Only ever append. */
export const coreMigrations: MigrationSet = {
  name: "core",
  migrations: {
    "0001_kas_schema": m0001,
    "0002_kas_domain": m0002,
    "0003_kas_history": m0003,
    "0004_kas_history_hash_join": m0004,
    "0005_kas_history_one_per_transaction": m0005,
    "0006_kas_statements_today": m0006,
    "0007_kas_loss_cell_same_policy": m0007,
    "0008_kas_history_row_compare": m0008,
    "0009_kas_policy_document_policy": m0009,
    "0010_kas_citizen_overview": m0010,
    "0011_kas_citizen_overview_json": m0011,
    "0012_kas_audit_insert_once": m0012,
    "0013_kas_used_negative_return": m0013,
    "0014_kas_citizen_views": m0014,
    "0015_kas_citizen_companies": m0015,
    "0016_kas_representation_session": m0016,
    "0017_kas_citizen_overview_companies": m0017,
    "0018_kas_prepayment_files_dafo": m0018,
    "0019_kas_person_search_trigram": m0019,
    "0020_kas_tax_slip": m0020,
    "0021_kas_history_attachments": m0021,
    "0022_kas_summary_files": m0022,
    "0023_kas_person_search_cost": m0023,
    "0024_kas_extract_list_indexes": m0024,
    "0025_kas_eboks_dispatch_intent": m0025,
    "0026_kas_history_statements": m0026,
    "0027_kas_person_search_serial": m0027,
    "0028_kas_days_check_per_statement": m0028,
    "0029_kas_statement_inputs": m0029,
    "0030_kas_citizen_overviews": m0030
  }
}
