/*
 * bare_http.c - the limit for `make bench-serve`: a libmicrohttpd server set
 * up as `dbtcoach serve` is (internal polling, the same thread pool), whose
 * handler reads the body and answers a fixed JSON object. Whatever serve
 * does beyond this is the coach and its store.
 *
 *   bare_http PORT THREADS      listens on 127.0.0.1 only; stops on SIGTERM
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char BODY[] =
    "{\"session\":\"bench\",\"text\":\"Hi, I'm here.\",\"crisis\":false,\"category\":null,"
    "\"skill\":null,\"step\":null,\"choices\":[],\"ended\":false,\"tier\":null,"
    "\"hotlines\":false,\"region\":\"INTL\"}";

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
                               const char *method, const char *version, const char *data,
                               size_t *data_size, void **con_cls)
{
    (void)cls;
    (void)url;
    (void)method;
    (void)version;
    (void)data;
    if (!*con_cls) {
        *con_cls = c;
        return MHD_YES;
    }
    if (*data_size) {
        *data_size = 0;
        return MHD_YES;
    }
    struct MHD_Response *r =
        MHD_create_response_from_buffer(sizeof BODY - 1, (void *)BODY, MHD_RESPMEM_PERSISTENT);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type", "application/json");
    enum MHD_Result ok = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return ok;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: bare_http PORT THREADS\n");
        return 2;
    }
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)atoi(argv[1]));
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ITC, 0, NULL, NULL, handler, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned)atoi(argv[2]), MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_CONNECTION_LIMIT,
        1024u, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "bare_http: cannot listen on port %s\n", argv[1]);
        return 1;
    }
    printf("listening on http://127.0.0.1:%s/\n", argv[1]);
    fflush(stdout);
    int sig;
    while (sigwait(&stop, &sig) != 0)
        ;
    MHD_stop_daemon(d);
    return 0;
}
