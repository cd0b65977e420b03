// The project's channel list, every page, de-duplicated. Agora pages by number, and warns that when
// user counts change often a channel may appear on more than one page or on none: repeats are
// dropped and counted, never delivered twice, and the walk ends on an empty page or at the total.
import { MAX_IDLE_PAGES, PageWalk, type CallOptions } from '@rollcall/runtime';
import { operations, type QueryChannelListOutput } from './generated/operations.js';
import type { AgoraRtcClient } from './client.js';

const op = operations.queryChannelList;

export interface ChannelListPage {
  /** Channels first listed on this page. */
  readonly channels: QueryChannelListOutput['channels'];
  /** The project's channel count, as this page gave it. */
  readonly total: number;
  /** The zero-based page number this was. */
  readonly pageNo: number;
  /** Channels this page listed again (already delivered): dropped. */
  readonly duplicates: number;
  /** The next page to ask for, or null when this was the last. */
  readonly next: number | null;
}

/** The most channels a page may hold, from the spec's `page_size` bound. */
export const MAX_CHANNEL_PAGE_SIZE: number = op.pagination.maxPageSize;

/** Pages in a row that bring no new channel before the walk stops (the list is churning): the runtime's guard. */
export const MAX_IDLE_CHANNEL_PAGES = MAX_IDLE_PAGES;

/**
 * Every page of the channel list from `fetchPage` (one call each), de-duplicated. The loop guard:
 * the walk stops at an empty page, at the last page by the latest `total_size`, or after
 * `MAX_IDLE_CHANNEL_PAGES` pages in a row without a new channel.
 */
export async function* channelPages(
  fetchPage: (pageNo: number) => Promise<QueryChannelListOutput>,
  pageSize: number,
  firstPage: number = op.pagination.firstPage,
): AsyncGenerator<ChannelListPage> {
  const walk = new PageWalk<ChannelListPage['channels'][number]>((c) => c.channel_name);
  for (let pageNo = firstPage; ; pageNo++) {
    const page = await fetchPage(pageNo);
    const fresh = walk.take(page.channels);
    const pagesInAll = Math.ceil(page.total_size / pageSize);
    const last = page.channels.length === 0 || pageNo - firstPage + 1 >= pagesInAll || walk.stalled;
    yield { channels: fresh, total: page.total_size, pageNo, duplicates: page.channels.length - fresh.length, next: last ? null : pageNo + 1 };
    if (last) return;
  }
}

/** Every channel of a project, a page at a time (`page_size` default: the largest Agora allows). */
export function paginateChannelList(
  client: Pick<AgoraRtcClient, 'queryChannelList'>,
  input: { appid: string; page_size?: number },
  options?: CallOptions,
): AsyncGenerator<ChannelListPage> {
  const pageSize = input.page_size ?? MAX_CHANNEL_PAGE_SIZE;
  return channelPages((pageNo) => client.queryChannelList({ appid: input.appid, page_no: pageNo, page_size: pageSize }, options), pageSize);
}
