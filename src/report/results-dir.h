/* Where a run's result files go: a results directory that is checked and
 * staged before the run starts and replaced as a whole when it ends.
 *
 * results_dir_open() runs before the first event.  It refuses, with a
 * message, a DIR that cannot hold results (a regular file, a path too
 * long, a parent that cannot be written: /proc, a read-only mount) and a
 * DIR that exists, is not empty and holds no summary.json (a directory
 * that dcsim did not write, e.g. the user's home, is never replaced).  It
 * creates DIR's missing parents and a staging directory beside DIR,
 * `.dcsim-tmp-PID-N`; the result files are written into the staging
 * directory (results_dir_create()).
 *
 * results_dir_commit() then puts the staging directory in DIR's place in
 * one step (Linux renameat2 RENAME_EXCHANGE; elsewhere two renames) with
 * every signal blocked, and removes the directory it replaced, so DIR
 * holds exactly this run's files and is never left half-replaced or
 * merged with an earlier run's.  results_dir_discard() removes the
 * staging directory and the parents open() made; results_dir_discard_now()
 * does as much from a signal handler.
 *
 * Paths inside the staging directory are reached through directory file
 * descriptors, so only DIR's parent needs a name shorter than PATH_MAX. */
#ifndef DCSIM_RESULTS_DIR_H
#define DCSIM_RESULTS_DIR_H 1

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

/* Most files one run can write (report/results.c's table, and the
 * report page's work files: report/report-page.c). */
#define RESULTS_DIR_MAX_FILES 96

struct results_dir {
    char *dir;                 /* DIR as given: for messages. */
    char *parent;              /* The directory that holds DIR. */
    char *base;                /* DIR's name within its parent. */
    int parent_fd;             /* Open on `parent`; -1 when closed. */
    int tmp_fd;                /* Open on the staging directory. */
    char tmp_name[64];         /* The staging directory's name in parent. */
    bool replace;              /* DIR existed when opened. */
    char **made_dirs;          /* Parents open() created, outermost
                                * first: removed again on discard. */
    size_t n_made_dirs;
    /* Files created in the staging directory (static names), for the
     * signal-time discard; an entry is recorded before its file exists. */
    const char *files[RESULTS_DIR_MAX_FILES];
    volatile sig_atomic_t n_files;
    volatile sig_atomic_t staging;  /* 1 from open() until commit() or
                                     * discard() has run. */
    /* A work directory inside the staging directory (a static name, or
     * NULL), removed after the files above by the signal-time discard,
     * and a helper process writing into it (0: none), killed first. */
    const char *volatile work_dir;
    volatile sig_atomic_t helper_pid;
};

/* Checks DIR and prepares it as described above.  Returns 0, or an errno
 * value with *ERR allocated (a message that names DIR); on failure it
 * leaves nothing behind and RD needs no further call. */
int results_dir_open(struct results_dir *rd, const char *dir, char **err);

/* Creates file NAME (a string that outlives RD) in the staging directory
 * and opens it for writing.  Returns NULL with *ERR = errno on failure. */
FILE *results_dir_create(struct results_dir *rd, const char *name, int *err);

/* Records NAME (a static string, a path relative to the staging
 * directory) as a file that may exist there, so that the signal-time
 * discard removes it: for files another process creates.  Returns 0, or
 * EMFILE when the table is full. */
int results_dir_note(struct results_dir *rd, const char *name);

/* Creates directory NAME (a static string) in the staging directory as
 * RD's work directory and opens it: *FD.  Returns 0 or an errno value. */
int results_dir_mkwork(struct results_dir *rd, const char *name, int *fd);

/* Replaces DIR with the staging directory, then closes RD.  Returns 0, or
 * an errno value with *ERR allocated after discarding the staging
 * directory. */
int results_dir_commit(struct results_dir *rd, char **err);

/* Removes the staging directory and what open() made, then closes RD. */
void results_dir_discard(struct results_dir *rd);

/* The same from a signal handler: only async-signal-safe calls, nothing
 * freed.  A no-op once RD is committed or discarded. */
void results_dir_discard_now(struct results_dir *rd);

#endif
