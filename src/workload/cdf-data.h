/* The built-in CDF files, as compiled into the binary: the Makefile runs
 * scripts/embed-cdf.sh over every data/cdf/NAME.txt to define the table
 * below in a generated source file.  Only cdf.c reads it (through
 * cdf_builtin()). */
#ifndef DCSIM_CDF_DATA_H
#define DCSIM_CDF_DATA_H 1

#include <stddef.h>

struct cdf_data {
    const char *name;         /* File name without .txt: "websearch". */
    const char *file;         /* "data/cdf/websearch.txt", for messages. */
    const char *text;         /* The file's contents. */
};

extern const struct cdf_data cdf_data[];
extern const size_t cdf_data_count;

#endif
