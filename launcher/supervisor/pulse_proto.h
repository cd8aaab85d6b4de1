/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PulseAudio native protocol, as far as the audio proxy needs it: frame
 * descriptors, tagstructs, the command table, and the filter that decides
 * which of a client's commands reach the real server (DESIGN.md, "The
 * supervisor": it proxies the native protocol for QEMU, passing only what
 * a playback/record client needs). Pure code: bytes in, verdicts out, no
 * I/O; pulse_proxy.c moves the bytes.
 *
 * Source of every wire detail: PulseAudio 16.1 (Debian 12), git tag v16.1
 * (commit e5ad31e873ee) of github.com/pulseaudio/pulseaudio:
 *   src/pulsecore/native-common.h  the PA_COMMAND_* enum (order = wire value)
 *   src/pulsecore/pstream.c        the frame descriptor and its flags
 *   src/pulsecore/tagstruct.[ch]   the tags and their encodings
 *   src/pulsecore/protocol-native.c  AUTH, replies, errors, what each
 *                                  command's arguments are
 *   src/pulse/internal.h           PA_PROTOCOL_FLAG_SHM / _MEMFD
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * PA_COMMAND_* from src/pulsecore/native-common.h (v16.1), in its order:
 * the position is the value on the wire, so nothing may be inserted,
 * removed or reordered. tests/unit/test_pulse_proto.c asserts the count
 * and a few values.
 */
enum pulse_command {
	PULSE_CMD_ERROR, /* 0 */
	PULSE_CMD_TIMEOUT, /* 1 */
	PULSE_CMD_REPLY, /* 2 */
	PULSE_CMD_CREATE_PLAYBACK_STREAM, /* 3 */
	PULSE_CMD_DELETE_PLAYBACK_STREAM, /* 4 */
	PULSE_CMD_CREATE_RECORD_STREAM, /* 5 */
	PULSE_CMD_DELETE_RECORD_STREAM, /* 6 */
	PULSE_CMD_EXIT, /* 7 */
	PULSE_CMD_AUTH, /* 8 */
	PULSE_CMD_SET_CLIENT_NAME, /* 9 */
	PULSE_CMD_LOOKUP_SINK, /* 10 */
	PULSE_CMD_LOOKUP_SOURCE, /* 11 */
	PULSE_CMD_DRAIN_PLAYBACK_STREAM, /* 12 */
	PULSE_CMD_STAT, /* 13 */
	PULSE_CMD_GET_PLAYBACK_LATENCY, /* 14 */
	PULSE_CMD_CREATE_UPLOAD_STREAM, /* 15 */
	PULSE_CMD_DELETE_UPLOAD_STREAM, /* 16 */
	PULSE_CMD_FINISH_UPLOAD_STREAM, /* 17 */
	PULSE_CMD_PLAY_SAMPLE, /* 18 */
	PULSE_CMD_REMOVE_SAMPLE, /* 19 */
	PULSE_CMD_GET_SERVER_INFO, /* 20 */
	PULSE_CMD_GET_SINK_INFO, /* 21 */
	PULSE_CMD_GET_SINK_INFO_LIST, /* 22 */
	PULSE_CMD_GET_SOURCE_INFO, /* 23 */
	PULSE_CMD_GET_SOURCE_INFO_LIST, /* 24 */
	PULSE_CMD_GET_MODULE_INFO, /* 25 */
	PULSE_CMD_GET_MODULE_INFO_LIST, /* 26 */
	PULSE_CMD_GET_CLIENT_INFO, /* 27 */
	PULSE_CMD_GET_CLIENT_INFO_LIST, /* 28 */
	PULSE_CMD_GET_SINK_INPUT_INFO, /* 29 */
	PULSE_CMD_GET_SINK_INPUT_INFO_LIST, /* 30 */
	PULSE_CMD_GET_SOURCE_OUTPUT_INFO, /* 31 */
	PULSE_CMD_GET_SOURCE_OUTPUT_INFO_LIST, /* 32 */
	PULSE_CMD_GET_SAMPLE_INFO, /* 33 */
	PULSE_CMD_GET_SAMPLE_INFO_LIST, /* 34 */
	PULSE_CMD_SUBSCRIBE, /* 35 */
	PULSE_CMD_SET_SINK_VOLUME, /* 36 */
	PULSE_CMD_SET_SINK_INPUT_VOLUME, /* 37 */
	PULSE_CMD_SET_SOURCE_VOLUME, /* 38 */
	PULSE_CMD_SET_SINK_MUTE, /* 39 */
	PULSE_CMD_SET_SOURCE_MUTE, /* 40 */
	PULSE_CMD_CORK_PLAYBACK_STREAM, /* 41 */
	PULSE_CMD_FLUSH_PLAYBACK_STREAM, /* 42 */
	PULSE_CMD_TRIGGER_PLAYBACK_STREAM, /* 43 */
	PULSE_CMD_SET_DEFAULT_SINK, /* 44 */
	PULSE_CMD_SET_DEFAULT_SOURCE, /* 45 */
	PULSE_CMD_SET_PLAYBACK_STREAM_NAME, /* 46 */
	PULSE_CMD_SET_RECORD_STREAM_NAME, /* 47 */
	PULSE_CMD_KILL_CLIENT, /* 48 */
	PULSE_CMD_KILL_SINK_INPUT, /* 49 */
	PULSE_CMD_KILL_SOURCE_OUTPUT, /* 50 */
	PULSE_CMD_LOAD_MODULE, /* 51 */
	PULSE_CMD_UNLOAD_MODULE, /* 52 */
	PULSE_CMD_ADD_AUTOLOAD___OBSOLETE, /* 53 */
	PULSE_CMD_REMOVE_AUTOLOAD___OBSOLETE, /* 54 */
	PULSE_CMD_GET_AUTOLOAD_INFO___OBSOLETE, /* 55 */
	PULSE_CMD_GET_AUTOLOAD_INFO_LIST___OBSOLETE, /* 56 */
	PULSE_CMD_GET_RECORD_LATENCY, /* 57 */
	PULSE_CMD_CORK_RECORD_STREAM, /* 58 */
	PULSE_CMD_FLUSH_RECORD_STREAM, /* 59 */
	PULSE_CMD_PREBUF_PLAYBACK_STREAM, /* 60 */
	PULSE_CMD_REQUEST, /* 61 */
	PULSE_CMD_OVERFLOW, /* 62 */
	PULSE_CMD_UNDERFLOW, /* 63 */
	PULSE_CMD_PLAYBACK_STREAM_KILLED, /* 64 */
	PULSE_CMD_RECORD_STREAM_KILLED, /* 65 */
	PULSE_CMD_SUBSCRIBE_EVENT, /* 66 */
	PULSE_CMD_MOVE_SINK_INPUT, /* 67 */
	PULSE_CMD_MOVE_SOURCE_OUTPUT, /* 68 */
	PULSE_CMD_SET_SINK_INPUT_MUTE, /* 69 */
	PULSE_CMD_SUSPEND_SINK, /* 70 */
	PULSE_CMD_SUSPEND_SOURCE, /* 71 */
	PULSE_CMD_SET_PLAYBACK_STREAM_BUFFER_ATTR, /* 72 */
	PULSE_CMD_SET_RECORD_STREAM_BUFFER_ATTR, /* 73 */
	PULSE_CMD_UPDATE_PLAYBACK_STREAM_SAMPLE_RATE, /* 74 */
	PULSE_CMD_UPDATE_RECORD_STREAM_SAMPLE_RATE, /* 75 */
	PULSE_CMD_PLAYBACK_STREAM_SUSPENDED, /* 76 */
	PULSE_CMD_RECORD_STREAM_SUSPENDED, /* 77 */
	PULSE_CMD_PLAYBACK_STREAM_MOVED, /* 78 */
	PULSE_CMD_RECORD_STREAM_MOVED, /* 79 */
	PULSE_CMD_UPDATE_RECORD_STREAM_PROPLIST, /* 80 */
	PULSE_CMD_UPDATE_PLAYBACK_STREAM_PROPLIST, /* 81 */
	PULSE_CMD_UPDATE_CLIENT_PROPLIST, /* 82 */
	PULSE_CMD_REMOVE_RECORD_STREAM_PROPLIST, /* 83 */
	PULSE_CMD_REMOVE_PLAYBACK_STREAM_PROPLIST, /* 84 */
	PULSE_CMD_REMOVE_CLIENT_PROPLIST, /* 85 */
	PULSE_CMD_STARTED, /* 86 */
	PULSE_CMD_EXTENSION, /* 87 */
	PULSE_CMD_GET_CARD_INFO, /* 88 */
	PULSE_CMD_GET_CARD_INFO_LIST, /* 89 */
	PULSE_CMD_SET_CARD_PROFILE, /* 90 */
	PULSE_CMD_CLIENT_EVENT, /* 91 */
	PULSE_CMD_PLAYBACK_STREAM_EVENT, /* 92 */
	PULSE_CMD_RECORD_STREAM_EVENT, /* 93 */
	PULSE_CMD_PLAYBACK_BUFFER_ATTR_CHANGED, /* 94 */
	PULSE_CMD_RECORD_BUFFER_ATTR_CHANGED, /* 95 */
	PULSE_CMD_SET_SINK_PORT, /* 96 */
	PULSE_CMD_SET_SOURCE_PORT, /* 97 */
	PULSE_CMD_SET_SOURCE_OUTPUT_VOLUME, /* 98 */
	PULSE_CMD_SET_SOURCE_OUTPUT_MUTE, /* 99 */
	PULSE_CMD_SET_PORT_LATENCY_OFFSET, /* 100 */
	PULSE_CMD_ENABLE_SRBCHANNEL, /* 101 */
	PULSE_CMD_DISABLE_SRBCHANNEL, /* 102 */
	PULSE_CMD_REGISTER_MEMFD_SHMID, /* 103 */
	PULSE_CMD_SEND_OBJECT_MESSAGE, /* 104 */
	PULSE_CMD_MAX /* 105 in 16.1 */
};

/* pstream.c: a frame is a descriptor of 5 big-endian uint32 (length,
 * channel, offset hi, offset lo, flags) and `length` bytes of payload. */
#define PULSE_DESC_SIZE 20u
/* Channel (uint32_t)-1: a packet (a tagstruct: command, tag, arguments);
 * any other channel: audio data (a memblock) for that stream. */
#define PULSE_CHANNEL_PACKET UINT32_MAX
/* pstream.c's flags: the low byte is the seek mode (at most
 * PA_SEEK_RELATIVE_END = 3, pulse/def.h); the SHM bits (0xFF000000 and
 * SHMWRITABLE 0x00800000) say the payload is a reference to shared
 * memory instead of the data. */
#define PULSE_FLAG_SEEKMASK 0x000000FFu
#define PULSE_SEEK_MAX 3u
/*
 * The largest frame the proxy passes, in bytes. PulseAudio accepts up to
 * 16 MiB (pstream.c FRAME_SIZE_MAX_ALLOW, for sample uploads, which the
 * proxy refuses); libpulse splits audio into memblocks of the mempool's
 * block size (64 KiB, memblock.c PA_MEMPOOL_SLOT_SIZE), and the packets
 * of a playback/record client and the server's replies to the queries
 * it may make are a few KiB. 4 MiB bounds what one frame can make the
 * proxy allocate.
 */
#define PULSE_FRAME_MAX (4u * 1024 * 1024)

/* src/pulse/internal.h: the high bits of AUTH's version word (both ways). */
#define PULSE_PROTOCOL_FLAG_SHM 0x80000000u
#define PULSE_PROTOCOL_FLAG_MEMFD 0x40000000u
/* pulse/def.h: PA_ERR_ACCESS, the second value of the error enum. */
#define PULSE_ERR_ACCESS 1u

/* An ERROR packet: descriptor + 3 tagged u32 (command, tag, error). */
#define PULSE_ERROR_FRAME_SIZE (PULSE_DESC_SIZE + 3 * 5)

/* How many create/auth replies may be outstanding, and how many streams
 * of each direction one client may own (QEMU opens one per voice). */
#define PULSE_MAX_PENDING 16
#define PULSE_MAX_STREAMS 32

struct pulse_desc {
	uint32_t length;
	uint32_t channel;
	uint32_t offset_hi;
	uint32_t offset_lo;
	uint32_t flags;
};

/* The name of a command ("LOAD_MODULE"), or NULL past the table. */
const char *pulse_command_name(uint32_t command);

/*
 * Decodes and checks a frame descriptor. Returns 0 for a packet
 * (channel PULSE_CHANNEL_PACKET, flags 0) or an audio frame with a plain
 * payload (flags only a seek mode <= 3), both with 1 <= length <=
 * PULSE_FRAME_MAX; -EMSGSIZE for a bad length; -EPROTO for anything else,
 * among them every SHM frame (data by reference, release, revoke): the
 * proxy negotiates no shared memory, so all audio is in the frames.
 */
int pulse_desc_parse(const uint8_t raw[PULSE_DESC_SIZE], struct pulse_desc *ret);
void pulse_desc_pack(const struct pulse_desc *d, uint8_t raw[PULSE_DESC_SIZE]);

/* A tagstruct being read: data[pos..len). pos <= len always. */
struct pulse_ts {
	const uint8_t *data;
	size_t len;
	size_t pos;
};

/* Reads a tagged u32 ('L'). 0, or -EBADMSG (pos unchanged then). */
int pulse_ts_get_u32(struct pulse_ts *t, uint32_t *ret);
/* Skips one value of any tag tagstruct.h defines, bounds-checked as
 * tagstruct.c's getters check it. 0 or -EBADMSG. */
int pulse_ts_skip(struct pulse_ts *t);
/* 0 when data[0..len) is a whole sequence of well-formed values. */
int pulse_ts_validate(const uint8_t *data, size_t len);

enum pulse_verdict {
	PULSE_FORWARD,	 /* pass on (perhaps rewritten in place) */
	PULSE_DENY,	 /* answer the client with an ERROR, pass nothing */
	PULSE_DROP,	 /* server to client only: pass nothing */
	PULSE_MALFORMED, /* not the protocol: close the connection */
};

struct pulse_stream_ref {
	uint32_t channel; /* the connection's own stream number */
	uint32_t index;	  /* the server-wide sink input / source output */
};

/* One connection's filter state: what it is waiting for, what it owns. */
struct pulse_filter {
	struct {
		uint32_t tag;
		uint32_t command;
	} pending[PULSE_MAX_PENDING];
	size_t n_pending;
	struct pulse_stream_ref playback[PULSE_MAX_STREAMS];
	size_t n_playback;
	struct pulse_stream_ref record[PULSE_MAX_STREAMS];
	size_t n_record;
	uint64_t n_denied;  /* client packets answered with an error */
	uint64_t n_dropped; /* server packets not passed on */
};

/* Zeroes the state for a new connection. */
void pulse_filter_init(struct pulse_filter *f);

/*
 * Decides on one packet (the payload of a packet frame) from the client.
 * May rewrite pkt in place, keeping its length (AUTH: the SHM and memfd
 * bits cleared). Sets *ret_command and *ret_tag when the packet has them
 * (they are what a DENY's error reply and a log line need). Returns
 * PULSE_FORWARD, PULSE_DENY (the caller sends pulse_error_frame(tag,
 * PULSE_ERR_ACCESS) back), or PULSE_MALFORMED (the packet is not a
 * well-formed tagstruct starting with command and tag).
 */
enum pulse_verdict pulse_filter_client(struct pulse_filter *f, uint8_t *pkt, size_t len,
				       uint32_t *ret_command, uint32_t *ret_tag);

/*
 * Decides on one packet from the server: PULSE_FORWARD, PULSE_DROP (a
 * command a playback/record client does not get: shared-memory set-up,
 * subscription and extension events), or PULSE_MALFORMED. Learns the
 * stream indexes from the replies to the client's creates and clears the
 * SHM/memfd bits in the reply to AUTH (in place).
 */
enum pulse_verdict pulse_filter_server(struct pulse_filter *f, uint8_t *pkt, size_t len);

/* Writes the ERROR packet frame PulseAudio's pa_pstream_send_error()
 * sends (protocol-native.c): command ERROR, the request's tag, error. */
void pulse_error_frame(uint32_t tag, uint32_t error, uint8_t out[PULSE_ERROR_FRAME_SIZE]);
