// The detail page's survey card: the customer's satisfaction answer, and the
// follow-up staff record for a low score (which keeps the return under
// "Needs attention" until then).

import { formatDate, register, t } from "../../i18n.js";
import { banner, button, definitionList, field, formErrors, h } from "../../ui.js";
import { control, label } from "./common.js";

register({
  en: {
    "detail.survey.title": "Customer satisfaction",
    "detail.survey.rating": "Rating",
    "detail.survey.ratingValue": "{rating} of 5",
    "detail.survey.improvements": "Could be better",
    "detail.survey.comment": "Comment",
    "detail.survey.answered": "Answered",
    "detail.survey.needsFollowUp": "Low score: follow up with the customer.",
    "detail.survey.followedUp": "Followed up",
    "detail.survey.followedUpBy": "{date} by {email}",
    "detail.survey.followUpNote": "What was done",
    "detail.survey.followUpHint": "Recording the follow-up takes the return off \"Needs attention\".",
    "detail.action.followUp": "Record follow-up",
    "detail.notify.followedUp": "Follow-up recorded for {number}",
    "detail.improvement.FASTER_REFUND": "Faster refund",
    "detail.improvement.EASIER_REQUEST": "Easier to request",
    "detail.improvement.CLEARER_INSTRUCTIONS": "Clearer instructions",
    "detail.improvement.CHEAPER_RETURN_SHIPPING": "Cheaper return shipping",
    "detail.improvement.BETTER_COMMUNICATION": "Better communication",
    "detail.improvement.PRODUCT_AS_DESCRIBED": "Product as described",
    "detail.improvement.OTHER": "Other",
  },
  "zh-Hans": {
    "detail.survey.title": "顾客满意度",
    "detail.survey.rating": "评分",
    "detail.survey.ratingValue": "{rating} / 5",
    "detail.survey.improvements": "有待改进",
    "detail.survey.comment": "留言",
    "detail.survey.answered": "回答时间",
    "detail.survey.needsFollowUp": "评分偏低：请跟进顾客。",
    "detail.survey.followedUp": "已跟进",
    "detail.survey.followedUpBy": "{date}，{email}",
    "detail.survey.followUpNote": "采取的措施",
    "detail.survey.followUpHint": "记录跟进后，此退货将移出“需要处理”。",
    "detail.action.followUp": "记录跟进",
    "detail.notify.followedUp": "已为 {number} 记录跟进",
    "detail.improvement.FASTER_REFUND": "更快退款",
    "detail.improvement.EASIER_REQUEST": "申请更简单",
    "detail.improvement.CLEARER_INSTRUCTIONS": "说明更清楚",
    "detail.improvement.CHEAPER_RETURN_SHIPPING": "退货运费更低",
    "detail.improvement.BETTER_COMMUNICATION": "沟通更好",
    "detail.improvement.PRODUCT_AS_DESCRIBED": "商品与描述相符",
    "detail.improvement.OTHER": "其他",
  },
});

const FOLLOW_UP = `mutation ReturnSurveyFollowUp($id: ID!, $note: String) {
  returnSurveyFollowUp(id: $id, note: $note) { errors { field code message } survey { needsFollowUp } } }`;

export const surveySection = {
  surveyCard() {
    const survey = this.request.survey;
    if (!survey) return null;
    const rows = [
      [t("detail.survey.rating"), h("span", { class: `survey-rating rating-${survey.rating}` }, t("detail.survey.ratingValue", { rating: survey.rating }))],
      [t("detail.survey.answered"), h("time", { datetime: survey.updatedAt }, formatDate(survey.updatedAt))],
    ];
    if (survey.improvements.length) {
      rows.push([t("detail.survey.improvements"), survey.improvements.map((code) => label("detail.improvement", code)).join(", ")]);
    }
    if (survey.comment) rows.push([t("detail.survey.comment"), h("q", { class: "survey-comment" }, survey.comment)]);
    if (survey.followedUpAt) {
      const by = t("detail.survey.followedUpBy", { date: formatDate(survey.followedUpAt), email: survey.followedUpByEmail || "—" });
      rows.push([t("detail.survey.followedUp"), [by, survey.followUpNote ? h("p", {}, survey.followUpNote) : null]]);
    }
    return h(
      "section",
      { class: "card survey-card", "data-survey-rating": String(survey.rating) },
      h("h2", { class: "card-title" }, t("detail.survey.title")),
      definitionList(rows),
      survey.needsFollowUp ? this.followUpForm() : null,
    );
  },

  followUpForm() {
    const submit = button(t("detail.action.followUp"), { type: "submit", variant: "primary", "data-action": "follow-up" });
    const form = h(
      "form",
      { class: "follow-up-form", novalidate: true, "aria-label": t("detail.action.followUp") },
      banner("warning", t("detail.survey.needsFollowUp")),
      formErrors(),
      field({ label: t("detail.survey.followUpNote"), name: "note", type: "textarea", hint: t("detail.survey.followUpHint") }),
      submit,
    );
    this.onSubmitAction(
      form,
      submit,
      () => ({ note: control(form, "note").value.trim() }),
      (values) => ({
        action: t("detail.action.followUp"),
        mutation: FOLLOW_UP,
        field: "returnSurveyFollowUp",
        variables: { id: this.request.id, ...values },
        success: () => t("detail.notify.followedUp", { number: this.number }),
      }),
    );
    return form;
  },
};
