#ifndef ORGWIZ_CPROCESS_H
#define ORGWIZ_CPROCESS_H

/// Marks the process not dumpable (Linux: prctl(PR_SET_DUMPABLE, 0)): no core file, and other
/// processes of the same user cannot attach to it or read its memory through /proc.
/// Returns 0 on success, -1 where it is not supported or failed.
int cprocess_set_not_dumpable(void);

#endif
