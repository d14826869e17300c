/*
 * A warm pocketsphinx decoder: loads the acoustic model, dictionary and grammar once, then decodes
 * one utterance after another from frames on stdin, so callers never pay model loading per utterance.
 *
 * Usage: pocketsphinx-warm [--log FILE] [--interim-ms N] [--cmn-lookahead-ms N] -hmm DIR -dict FILE -jsgf FILE [pocketsphinx args]
 *
 * Input frames (stdin): 1 byte type, 4 bytes little-endian payload length, payload.
 *   'B' begin utterance   payload: uint32 LE utterance id
 *   'A' audio             payload: 16 kHz mono PCM16 little-endian samples
 *   'E' end utterance     no payload; answers with a "final" event
 *   'X' abort utterance   no payload; no answer
 *   'H' hypothesis now    no payload; answers with a "hypothesis" event (the utterance goes on)
 * Output events (stdout), one JSON object per line:
 *   {"type":"ready","pid":N}
 *   {"type":"interim","id":N,"text":"..."}            hypothesis changed (checked every --interim-ms of audio)
 *   {"type":"hypothesis","id":N,"text":"..."}         the best partial hypothesis, on request ('H')
 *   {"type":"final","id":N,"text":"...","score":N,"frames":N[,"fromPartial":true]}   score: best path, log domain;
 *                                                    fromPartial: no path reached the grammar's end ("Final result
 *                                                    does not match the grammar"), so the text is the best partial
 *                                                    hypothesis just before the end instead of nothing
 *   {"type":"log","level":"error"|"fatal","message":"..."}   pocketsphinx errors (details for people)
 *   {"type":"fatal","message":"..."}                   the decoder cannot go on and exits
 * No confidence in "final": with a grammar, pocketsphinx's posterior (ps_get_prob) is 1.0 for every
 * hypothesis, right or wrong.
 *
 * Cepstral mean normalisation (--cmn-lookahead-ms, default 1500; 0 leaves pocketsphinx's own): the
 * acoustic model was trained with each utterance's cepstra minus that utterance's mean ("-cmn batch"),
 * but a live decoder can only subtract a running estimate that starts from the model's fixed -cmninit
 * and takes about five seconds of audio to move. Every caller's first words (and every 8 kHz phone line,
 * whose spectrum above 4 kHz is empty) were decoded against the wrong mean: measured on the
 * understanding benchmark, that alone lost about half the task successes on 16 kHz speech and nearly
 * all on phone audio. So each utterance's first N ms are held back, their own cepstral mean becomes the
 * decoder's, and then they are decoded in one go and the rest of the utterance live. The cost: no interim
 * words during those N ms, and an utterance shorter than N ms is decoded when it ends ('E' or 'H'),
 * which takes a few milliseconds for a short one.
 *
 * Everything pocketsphinx logs goes to stderr, which --log FILE appends to a file: give the process
 * either that or /dev/null as stderr, never a pipe nobody reads (pocketsphinx is chatty enough to fill
 * it and block the decoder).
 */
#define _POSIX_C_SOURCE 200809L /* strdup, getpid */

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pocketsphinx.h>
#include <sphinxbase/cmn.h>
#include <sphinxbase/err.h>
#include <sphinxbase/fe.h>
#include <sphinxbase/feat.h>

#define MAX_PAYLOAD (1u << 20)

static void write_json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

static void emit_message(const char *type, const char *level, const char *message)
{
    fprintf(stdout, "{\"type\":\"%s\"", type);
    if (level)
        fprintf(stdout, ",\"level\":\"%s\"", level);
    fputs(",\"message\":", stdout);
    write_json_string(stdout, message);
    fputs("}\n", stdout);
    fflush(stdout);
}

static void on_log(void *user_data, err_lvl_t level, const char *fmt, ...)
{
    va_list ap;
    (void)user_data;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    if (level == ERR_ERROR || level == ERR_FATAL) {
        char message[1024];
        size_t n;
        va_start(ap, fmt);
        vsnprintf(message, sizeof(message), fmt, ap);
        va_end(ap);
        n = strlen(message);
        while (n > 0 && (message[n - 1] == '\n' || message[n - 1] == '\r'))
            message[--n] = '\0';
        emit_message("log", level == ERR_FATAL ? "fatal" : "error", message);
    }
}

static void fatal(const char *message)
{
    emit_message("fatal", NULL, message);
    exit(2);
}

/*
 * Runs of exact zeros (digital silence: muted WebRTC frames, mu-law silence, synthetic speech pauses)
 * have no energy at all, and pocketsphinx then loses whole utterances ("Final result does not match
 * the grammar"). Filling them with the +-1 LSB noise a dithered recording has in its pauses fixes
 * that and leaves real audio alone. A fixed LCG keeps results reproducible.
 */
#define MIN_ZERO_RUN 32

static void fill_digital_silence(int16 *samples, size_t n)
{
    static uint32_t lcg = 1;
    size_t start = 0, end, i;
    while (start < n) {
        if (samples[start] != 0) {
            start++;
            continue;
        }
        for (end = start; end < n && samples[end] == 0; end++)
            ;
        if (end - start >= MIN_ZERO_RUN) {
            for (i = start; i < end; i++) {
                uint32_t r;
                lcg = lcg * 1664525u + 1013904223u;
                r = lcg >> 29; /* 0..7: -1 and +1 one time in eight each, like TPDF dither around 0 */
                samples[i] = r == 0 ? -1 : (r == 7 ? 1 : 0);
            }
        }
        start = end;
    }
}

/* The utterance's first samples, held back until their cepstral mean is known (see the header). */
struct lookahead {
    fe_t *fe;        /* a front end of our own with the decoder's settings, so the decoder's stays untouched */
    int16 *samples;
    size_t length;   /* samples held */
    size_t capacity; /* samples to hold before decoding; 0: off */
    int flushed;     /* this utterance's mean is set and its held samples decoded */
};

/* Sets the decoder's cepstral mean to that of the held samples, then decodes them. */
static void flush_lookahead(ps_decoder_t *ps, struct lookahead *la)
{
    mfcc_t **cepstra = NULL;
    int32 frames = 0, i, j, ceplen;
    if (la->flushed)
        return;
    la->flushed = 1;
    if (la->length == 0)
        return;
    ceplen = fe_get_output_size(la->fe);
    fe_start_utt(la->fe);
    if (fe_process_utt(la->fe, la->samples, la->length, &cepstra, &frames) == 0 && frames > 0) {
        mfcc_t *mean = calloc((size_t)ceplen, sizeof(mfcc_t));
        if (!mean)
            fatal("out of memory");
        for (i = 0; i < frames; i++)
            for (j = 0; j < ceplen; j++)
                mean[j] += cepstra[i][j] / frames;
        cmn_live_set(ps_get_feat(ps)->cmn_struct, mean);
        free(mean);
    }
    if (cepstra)
        fe_free_2d(cepstra);
    if (ps_process_raw(ps, la->samples, la->length, FALSE, FALSE) < 0)
        fatal("ps_process_raw failed");
}

/* Audio for the utterance: held back until the look-ahead is full, then straight to the decoder. */
static void take_audio(ps_decoder_t *ps, struct lookahead *la, int16 *samples, size_t n)
{
    if (!la->flushed) {
        size_t room = la->capacity - la->length, held = n < room ? n : room;
        memcpy(la->samples + la->length, samples, held * sizeof(int16));
        la->length += held;
        if (la->length < la->capacity)
            return;
        flush_lookahead(ps, la);
        samples += held;
        n -= held;
    }
    if (n > 0 && ps_process_raw(ps, samples, n, FALSE, FALSE) < 0)
        fatal("ps_process_raw failed");
}

static int read_exact(void *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        size_t r = fread((char *)buf + got, 1, n - got, stdin);
        if (r == 0)
            return got == 0 ? 0 : -1;
        got += r;
    }
    return 1;
}

static uint32_t read_u32le(const unsigned char *b)
{
    return (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) | ((uint32_t)b[3] << 24);
}

int main(int argc, char *argv[])
{
    int interim_ms = 200;
    int first_ps_arg = 1;
    cmd_ln_t *config;
    ps_decoder_t *ps;
    unsigned char header[5];
    unsigned char *payload;
    int16 *samples;
    int in_utt = 0;
    uint32_t utt_id = 0;
    long since_interim = 0;
    char *last_hyp = NULL;
    int lookahead_ms = 1500;
    struct lookahead la = {0};

    while (first_ps_arg + 1 < argc && strncmp(argv[first_ps_arg], "--", 2) == 0) {
        if (strcmp(argv[first_ps_arg], "--log") == 0) {
            if (!freopen(argv[first_ps_arg + 1], "a", stderr))
                fatal("cannot open the --log file for appending");
        } else if (strcmp(argv[first_ps_arg], "--cmn-lookahead-ms") == 0) {
            lookahead_ms = atoi(argv[first_ps_arg + 1]);
        } else if (strcmp(argv[first_ps_arg], "--interim-ms") == 0) {
            interim_ms = atoi(argv[first_ps_arg + 1]);
        } else {
            fatal("unknown option (expected --log, --interim-ms or --cmn-lookahead-ms before the pocketsphinx arguments)");
        }
        first_ps_arg += 2;
    }
    err_set_callback(on_log, NULL);

    /* cmd_ln_parse_r reads argv from index 1, so hand it the program name in front. */
    argv[first_ps_arg - 1] = argv[0];
    config = cmd_ln_parse_r(NULL, ps_args(), argc - first_ps_arg + 1, argv + first_ps_arg - 1, TRUE);
    if (!config)
        fatal("invalid pocketsphinx arguments");
    ps = ps_init(config);
    if (!ps)
        fatal("pocketsphinx could not load the model, dictionary or grammar");

    if (lookahead_ms > 0) {
        la.capacity = (size_t)lookahead_ms * 16;
        la.samples = malloc(la.capacity * sizeof(int16));
        la.fe = fe_init_auto_r(ps_get_config(ps));
        if (!la.samples || !la.fe)
            fatal("cannot set up the cepstral mean look-ahead");
    }
    payload = malloc(MAX_PAYLOAD);
    samples = malloc(MAX_PAYLOAD);
    if (!payload || !samples)
        fatal("out of memory");
    fprintf(stdout, "{\"type\":\"ready\",\"pid\":%ld}\n", (long)getpid());
    fflush(stdout);

    for (;;) {
        int r = read_exact(header, sizeof(header));
        uint32_t length;
        if (r == 0)
            break;
        if (r < 0)
            fatal("stdin ended in the middle of a frame header");
        length = read_u32le(header + 1);
        if (length > MAX_PAYLOAD)
            fatal("frame payload larger than 1 MiB");
        if (length > 0 && read_exact(payload, length) != 1)
            fatal("stdin ended in the middle of a frame payload");

        switch (header[0]) {
        case 'B':
            if (length != 4)
                fatal("begin frame needs a 4-byte utterance id");
            if (in_utt)
                ps_end_utt(ps);
            utt_id = read_u32le(payload);
            if (ps_start_utt(ps) < 0)
                fatal("ps_start_utt failed");
            in_utt = 1;
            la.length = 0;
            la.flushed = la.capacity == 0;
            since_interim = 0;
            free(last_hyp);
            last_hyp = NULL;
            break;
        case 'A': {
            size_t n = length / 2, i;
            if (!in_utt)
                break;
            for (i = 0; i < n; i++)
                samples[i] = (int16)(payload[2 * i] | (payload[2 * i + 1] << 8));
            fill_digital_silence(samples, n);
            take_audio(ps, &la, samples, n);
            since_interim += (long)n;
            if (la.flushed && interim_ms > 0 && since_interim >= 16L * interim_ms) {
                char const *hyp = ps_get_hyp(ps, NULL);
                since_interim = 0;
                if (hyp && *hyp && (!last_hyp || strcmp(hyp, last_hyp) != 0)) {
                    free(last_hyp);
                    last_hyp = strdup(hyp);
                    fprintf(stdout, "{\"type\":\"interim\",\"id\":%lu,\"text\":", (unsigned long)utt_id);
                    write_json_string(stdout, hyp);
                    fputs("}\n", stdout);
                    fflush(stdout);
                }
            }
            break;
        }
        case 'E': {
            int32 score = 0;
            char const *hyp;
            char *partial;
            int from_partial = 0;
            if (!in_utt)
                fatal("end frame without a begun utterance");
            flush_lookahead(ps, &la);
            /* The best partial path, kept in case the final search finds no path that ends the grammar. */
            hyp = ps_get_hyp(ps, NULL);
            partial = hyp && *hyp ? strdup(hyp) : NULL;
            ps_end_utt(ps);
            in_utt = 0;
            hyp = ps_get_hyp(ps, &score);
            if ((!hyp || !*hyp) && partial) {
                /* "Final result does not match the grammar": the caller's words so far beat nothing. */
                hyp = partial;
                from_partial = 1;
            }
            fprintf(stdout, "{\"type\":\"final\",\"id\":%lu,\"text\":", (unsigned long)utt_id);
            write_json_string(stdout, hyp ? hyp : "");
            fprintf(stdout, ",\"score\":%ld,\"frames\":%d%s}\n", (long)score, ps_get_n_frames(ps), from_partial ? ",\"fromPartial\":true" : "");
            fflush(stdout);
            free(partial);
            break;
        }
        case 'H': {
            char const *hyp;
            if (in_utt)
                flush_lookahead(ps, &la);
            hyp = in_utt ? ps_get_hyp(ps, NULL) : NULL;
            fprintf(stdout, "{\"type\":\"hypothesis\",\"id\":%lu,\"text\":", (unsigned long)utt_id);
            write_json_string(stdout, hyp ? hyp : "");
            fputs("}\n", stdout);
            fflush(stdout);
            break;
        }
        case 'X':
            if (in_utt)
                ps_end_utt(ps);
            in_utt = 0;
            break;
        default:
            fatal("unknown frame type");
        }
    }

    free(last_hyp);
    free(la.samples);
    if (la.fe)
        fe_free(la.fe);
    free(payload);
    free(samples);
    ps_free(ps);
    cmd_ln_free_r(config);
    return 0;
}
