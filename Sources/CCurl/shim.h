// libcurl for Swift, loaded on first use: nothing links libcurl, so that a process that sends no
// mail over SMTP and no robot message loads neither it nor the ~30 libraries it brings (Kerberos,
// LDAP, GnuTLS, OpenSSL, nghttp2, ssh2, rtmp), which the loader would map before almanacd's first
// instruction (docs/benchmarks.md). curl.h gives the types only; the functions are reached
// through `almanac_curl`, a table of pointers that `almanac_curl_resolve` fills with dlsym from the
// handle `LibCurl.load` (Sources/AlmanacLibraries/LibCurl.swift) gets from dlopen.
//
// curl_easy_setopt and curl_easy_getinfo are variadic C functions, which do not import into
// Swift; the typed wrappers below call them through the table with one argument type each (a
// variadic function called through a pointer of its own variadic type). The calls name the
// field in parentheses, `(curl->curl_easy_setopt)(...)`, so that curl's type-checking macros of
// the same name are not expanded.
#ifndef ALMANAC_CCURL_SHIM_H
#define ALMANAC_CCURL_SHIM_H

#include "../CSharedLibrary/shared_library.h"
#include <curl/curl.h>

// Every libcurl function almanac calls, once: the table's fields and the names dlsym looks up.
#define ALMANAC_CURL_FUNCTIONS(X) \
    X(curl_global_init) X(curl_easy_init) X(curl_easy_cleanup) X(curl_easy_perform) X(curl_easy_strerror) \
    X(curl_easy_setopt) X(curl_easy_getinfo) X(curl_slist_append) X(curl_slist_free_all)

// The functions, typed as the header declares them, and their resolver (shared_library.h).
typedef struct almanac_curl { ALMANAC_CURL_FUNCTIONS(ALMANAC_LIBRARY_FIELD) } almanac_curl;

static inline const char *almanac_curl_resolve(void *library, almanac_curl *table) {
    ALMANAC_CURL_FUNCTIONS(ALMANAC_LIBRARY_RESOLVE)
    return NULL;
}

static inline CURLcode almanac_curl_setopt_long(const almanac_curl *curl, CURL *handle, CURLoption option, long value) {
    return (curl->curl_easy_setopt)(handle, option, value);
}

static inline CURLcode almanac_curl_setopt_string(const almanac_curl *curl, CURL *handle, CURLoption option, const char *value) {
    return (curl->curl_easy_setopt)(handle, option, value);
}

static inline CURLcode almanac_curl_setopt_pointer(const almanac_curl *curl, CURL *handle, CURLoption option, void *value) {
    return (curl->curl_easy_setopt)(handle, option, value);
}

static inline CURLcode almanac_curl_setopt_slist(
    const almanac_curl *curl, CURL *handle, CURLoption option, struct curl_slist *value) {
    return (curl->curl_easy_setopt)(handle, option, value);
}

typedef size_t (*almanac_curl_io_callback)(char *buffer, size_t size, size_t count, void *userdata);

static inline CURLcode almanac_curl_setopt_io(
    const almanac_curl *curl, CURL *handle, CURLoption option, almanac_curl_io_callback value) {
    return (curl->curl_easy_setopt)(handle, option, value);
}

/// CURLOPT_DEBUGFUNCTION: sees the protocol lines in clear text (after TLS), so the SMTP
/// transport can pair each RCPT with its reply.
typedef int (*almanac_curl_debug_callback)(CURL *handle, curl_infotype type, char *data, size_t size, void *userdata);

static inline CURLcode almanac_curl_setopt_debug(const almanac_curl *curl, CURL *handle, almanac_curl_debug_callback value) {
    return (curl->curl_easy_setopt)(handle, CURLOPT_DEBUGFUNCTION, value);
}

/// CURLOPT_MAIL_RCPT_ALLOWFAILS (option 290; spelt CURLOPT_MAIL_RCPT_ALLLOWFAILS before curl
/// 8.2): go on with the accepted recipients when the server rejects some of them.
static inline CURLcode almanac_curl_setopt_rcpt_allowfails(const almanac_curl *curl, CURL *handle, long value) {
    return (curl->curl_easy_setopt)(handle, (CURLoption)290, value);
}

static inline CURLcode almanac_curl_getinfo_long(const almanac_curl *curl, CURL *handle, CURLINFO info, long *value) {
    return (curl->curl_easy_getinfo)(handle, info, value);
}

#endif
