-- Half-filled pages: marking a batch's items done then updates them in place (HOT) instead of adding an entry to each index per item.
ALTER TABLE "sync_run_items" SET (fillfactor = 50);
