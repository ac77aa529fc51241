// libcurl, loaded at run time with dlopen, so that orgwiz neither links it nor needs its headers
// to build. The few functions used are declared in ccurl.c from curl's documented, stable ABI
// (libcurl.so.4, unchanged since 2006). Swift cannot call C's variadic functions, so setopt and
// getinfo have one typed wrapper for each kind of argument.
#ifndef ORGWIZ_CCURL_H
#define ORGWIZ_CCURL_H

#include <stddef.h>
#include <stdint.h>

/// One loaded libcurl: its dlopen handle and the functions resolved from it. Never unloaded.
typedef struct ccurl_library ccurl_library;

/// The body and header callbacks' type (CURLOPT_WRITEFUNCTION, CURLOPT_HEADERFUNCTION).
typedef size_t (*ccurl_data_callback)(char *data, size_t size, size_t count, void *context);

/// Loads the library `name` (a file name for dlopen), resolves the functions and calls
/// curl_global_init once. NULL on failure, with the reason in `error`. Thread-safe; the same
/// library opened again (under any name) gives the same pointer.
const ccurl_library *ccurl_open(const char *name, char *error, size_t error_size);

/// curl_version(): "libcurl/7.88.1 OpenSSL/3.0.x ...".
const char *ccurl_version(const ccurl_library *library);
/// The option id that libcurl itself gives `name` (without "CURLOPT_"), by
/// curl_easy_option_by_name (libcurl 7.73 and later); -1 when unknown or not available.
int ccurl_option_id(const ccurl_library *library, const char *name);

void *ccurl_easy_init(const ccurl_library *library);
void ccurl_easy_cleanup(const ccurl_library *library, void *easy);
void ccurl_easy_reset(const ccurl_library *library, void *easy);
int ccurl_easy_perform(const ccurl_library *library, void *easy);
const char *ccurl_easy_strerror(const ccurl_library *library, int code);

int ccurl_setopt_long(const ccurl_library *library, void *easy, int option, long value);
int ccurl_setopt_pointer(const ccurl_library *library, void *easy, int option, const void *value);
int ccurl_setopt_off_t(const ccurl_library *library, void *easy, int option, int64_t value);
int ccurl_setopt_callback(
    const ccurl_library *library, void *easy, int option, ccurl_data_callback callback);

int ccurl_getinfo_long(const ccurl_library *library, void *easy, int info, long *value);
/// A string owned by the handle, valid until its next transfer or cleanup (may be NULL).
int ccurl_getinfo_string(const ccurl_library *library, void *easy, int info, const char **value);

/// A curl_slist; NULL is the empty list.
void *ccurl_slist_append(const ccurl_library *library, void *list, const char *line);
void ccurl_slist_free_all(const ccurl_library *library, void *list);

#endif
