import { describe, expect, it } from 'vitest';
import { surveyReplyOf } from './survey-reply.ts';

const ID = '0b8f6a4e-2f7c-4a53-9d0e-5c1a2b3c4d5e';

describe('surveyReplyOf', () => {
  it.each([
    [{ replyId: `csat:${ID}:5` }, { surveyId: ID, score: 5 }],
    [{ quickReply: `csat:${ID}:1` }, { surveyId: ID, score: 1 }],
    [{ postback: `csat:${ID}:3` }, { surveyId: ID, score: 3 }],
    [{ buttonPayload: `CSAT:${ID.toUpperCase()}:4` }, { surveyId: ID, score: 4 }],
    [
      { replyId: 'menu_pick_falla', quickReply: `csat:${ID}:2` },
      { surveyId: ID, score: 2 },
    ],
  ])('reads %j', (metadata, expected) => {
    expect(surveyReplyOf(metadata)).toEqual(expected);
  });

  it.each([
    [undefined],
    [{}],
    [{ text: `csat:${ID}:5` }],
    [{ replyId: `csat:${ID}:0` }],
    [{ replyId: `csat:${ID}:6` }],
    [{ replyId: `csat:${ID}:55` }],
    [{ replyId: 'csat:not-a-uuid:5' }],
    [{ replyId: `csat:${ID}:5 ` }],
    [{ replyId: 42 }],
  ])('ignores %j', (metadata) => {
    expect(surveyReplyOf(metadata)).toBeUndefined();
  });
});
