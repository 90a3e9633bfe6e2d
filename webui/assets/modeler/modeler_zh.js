// What bpmn-js-i18n-zh leaves in English on the modeler page: the properties panel's header
// for element types it does not list, and bpmnlint's badge and the messages of the rules
// .bpmnlintrc turns on. Keys are the texts bpmn-js and bpmnlint pass to `translate`.
export default {
  Collaboration: "协作",
  Process: "流程",
  Participant: "参与者（池）",
  Lane: "泳道",
  "Event Based Gateway": "事件网关",
  "Timer Boundary Event (Non Interrupting)": "定时边界事件（非中断）",
  "Message Boundary Event (Non Interrupting)": "消息边界事件（非中断）",
  "Signal Boundary Event (Non Interrupting)": "信号边界事件（非中断）",
  "Conditional Boundary Event (Non Interrupting)": "条件边界事件（非中断）",
  "Escalation Boundary Event (Non Interrupting)": "升级边界事件（非中断）",
  "Collapsed Sub Process": "子流程（折叠）",
  "Expanded Sub Process": "子流程（展开）",
  "Event Sub Process": "事件子流程",
  "Text Annotation": "文本注释",
  Group: "分组",
  Association: "关联",
  "Message Flow": "消息流",

  "{errors} Errors, {warnings} Warnings": "{errors} 个错误，{warnings} 个警告",
  "No Issues": "没有问题",
  "Issues for child elements": "子元素的问题",
  "Toggle linting overlays": "显示或隐藏检查标记",
  "Element is not connected": "元素未与流程连接",
  "SequenceFlow is a duplicate": "顺序流重复",
  "Duplicate outgoing sequence flows": "重复的流出顺序流",
  "Duplicate incoming sequence flows": "重复的流入顺序流",
  "Process is missing start event": "流程缺少开始事件",
  "Sub process is missing start event": "子流程缺少开始事件",
  "Process is missing end event": "流程缺少结束事件",
  "Sub process is missing end event": "子流程缺少结束事件",
  "Event has multiple event definitions": "事件有多个事件定义",
  "An <Event-based Gateway> must have at least 2 outgoing <Sequence Flows>":
    "事件网关至少要有 2 条流出的顺序流",
  "A <Sequence Flow> outgoing from an <Event-based Gateway> must not be conditional":
    "从事件网关流出的顺序流不能带条件",
  "Element is missing bpmndi": "元素缺少图形信息（bpmndi）",
  "Flow splits implicitly": "流程隐式分支：请用网关分支",
  "Incoming flows do not join": "多条流入未经网关合并",
  "Gateway is superfluous. It only has one source and target.": "网关多余：只有一个来源和一个去向",
};
