// The emoji Emojivoto offers, in the real app's order (its "top 100" list, which holds 99:
// :relaxed: has a Vote RPC but is not on the list, so voting for it is refused as unknown).
// Pure data and lookups; shared by the emoji service, the voting service and web.

export interface Emoji {
  shortcode: string;
  unicode: string;
}

// Each emoji's characters exactly as the real emoji_codemap.go gives them (a test checks
// every one against test/fixtures/emojivoto/emoji-codemap.tsv, extracted from that file):
// some have no variation selector where today's emoji tables would put one, and
// :sun_behind_small_cloud: is U+1F324 there. Joiners and variation selectors, invisible,
// are written as escapes.
const TABLE: ReadonlyArray<readonly [string, string]> = [
  [":joy:", "😂"],
  [":sunglasses:", "😎"],
  [":doughnut:", "🍩"],
  [":stuck_out_tongue_winking_eye:", "😜"],
  [":money_mouth_face:", "🤑"],
  [":flushed:", "😳"],
  [":mask:", "😷"],
  [":nerd_face:", "🤓"],
  [":ghost:", "👻"],
  [":skull_and_crossbones:", "\u2620\uFE0F"],
  [":heart_eyes_cat:", "😻"],
  [":hear_no_evil:", "🙉"],
  [":see_no_evil:", "🙈"],
  [":speak_no_evil:", "🙊"],
  [":boy:", "👦"],
  [":girl:", "👧"],
  [":man:", "👨"],
  [":woman:", "👩"],
  [":older_man:", "👴"],
  [":policeman:", "👮"],
  [":guardsman:", "💂"],
  [":construction_worker_man:", "👷"],
  [":prince:", "🤴"],
  [":princess:", "👸"],
  [":man_in_tuxedo:", "🤵"],
  [":bride_with_veil:", "👰"],
  [":mrs_claus:", "🤶"],
  [":santa:", "🎅"],
  [":turkey:", "🦃"],
  [":rabbit:", "🐰"],
  [":no_good_woman:", "🙅"],
  [":ok_woman:", "🙆"],
  [":raising_hand_woman:", "🙋"],
  [":bowing_man:", "🙇"],
  [":man_facepalming:", "\u{1F926}\u200D\u2642"],
  [":woman_shrugging:", "\u{1F937}\u200D\u2640"],
  [":massage_woman:", "💆"],
  [":walking_man:", "🚶"],
  [":running_man:", "🏃"],
  [":dancer:", "💃"],
  [":man_dancing:", "🕺"],
  [":dancing_women:", "👯"],
  [":rainbow:", "🌈"],
  [":skier:", "⛷"],
  [":golfing_man:", "🏌"],
  [":surfing_man:", "🏄"],
  [":basketball_man:", "⛹"],
  [":biking_man:", "🚴"],
  [":point_up_2:", "👆"],
  [":vulcan_salute:", "🖖"],
  [":metal:", "🤘"],
  [":call_me_hand:", "🤙"],
  [":thumbsup:", "👍"],
  [":wave:", "👋"],
  [":clap:", "👏"],
  [":raised_hands:", "🙌"],
  [":pray:", "🙏"],
  [":dog:", "🐶"],
  [":cat2:", "🐈"],
  [":pig:", "🐷"],
  [":hatching_chick:", "🐣"],
  [":snail:", "🐌"],
  [":bacon:", "🥓"],
  [":pizza:", "🍕"],
  [":taco:", "🌮"],
  [":burrito:", "🌯"],
  [":ramen:", "🍜"],
  [":champagne:", "🍾"],
  [":tropical_drink:", "🍹"],
  [":beer:", "🍺"],
  [":tumbler_glass:", "🥃"],
  [":world_map:", "🗺"],
  [":beach_umbrella:", "🏖"],
  [":mountain_snow:", "🏔"],
  [":camping:", "🏕"],
  [":steam_locomotive:", "🚂"],
  [":flight_departure:", "🛫"],
  [":rocket:", "🚀"],
  [":star2:", "🌟"],
  [":sun_behind_small_cloud:", "🌤"],
  [":cloud_with_rain:", "🌧"],
  [":fire:", "🔥"],
  [":jack_o_lantern:", "🎃"],
  [":balloon:", "🎈"],
  [":tada:", "🎉"],
  [":trophy:", "🏆"],
  [":iphone:", "📱"],
  [":pager:", "📟"],
  [":fax:", "📠"],
  [":bulb:", "💡"],
  [":money_with_wings:", "💸"],
  [":crystal_ball:", "🔮"],
  [":underage:", "🔞"],
  [":interrobang:", "\u2049\uFE0F"],
  [":100:", "💯"],
  [":checkered_flag:", "🏁"],
  [":crossed_swords:", "\u2694\uFE0F"],
  [":floppy_disk:", "💾"],
  [":poop:", "💩"],
];

export const EMOJIS: readonly Emoji[] = TABLE.map(([shortcode, unicode]) => ({
  shortcode,
  unicode,
}));

const BY_SHORTCODE = new Map(EMOJIS.map((e) => [e.shortcode, e]));

export function findEmoji(shortcode: string): Emoji | undefined {
  return BY_SHORTCODE.get(shortcode);
}

/**
 * Shortcodes that have a Vote RPC: the list plus :relaxed:, which the real service
 * defines although the list leaves it out.
 */
export const VOTABLE_SHORTCODES: readonly string[] = [
  ...EMOJIS.map((e) => e.shortcode),
  ":relaxed:",
];

/** `:point_up_2:` → `VotePointUp2`: the real service's one-RPC-per-emoji naming. */
export function voteMethodName(shortcode: string): string {
  const words = shortcode.replace(/^:|:$/g, "").split("_");
  return `Vote${words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("")}`;
}
