// dmn-js's own words in Chinese (bpmn-js-i18n-zh covers bpmn-js only): the ones an owner
// sees editing a decision table. Anything not here shows in English.
export default {
  When: "当", And: "且", Then: "则", "Hit policy:": "命中策略：", Annotations: "注释", "View DRD": "查看决策需求图",
  Unique: "唯一（UNIQUE）", First: "首个（FIRST）", Priority: "优先（PRIORITY）", Any: "任一（ANY）",
  Collect: "收集（COLLECT）", "Rule order": "规则顺序", "Output order": "输出顺序",
  "Add input": "添加输入", "Add output": "添加输出", "Add rule": "添加规则",
  Input: "输入", Output: "输出", Value: "值", "Input label: ": "输入标签：", "Input expression: ": "输入表达式：",
  "Output label": "输出标签", "Output name": "输出名称", "Input type": "输入类型", "Output type": "输出类型",
  "Input values": "输入取值", "Output values": "输出取值", "Predefined values": "预设取值",
  "Strings must be in double quotes": "字符串须用双引号", "Expression language": "表达式语言",
  "Decision name: ": "决策名称：", "Add Rule": "添加规则",
  "Remove rule": "删除规则", "Remove input": "删除输入", "Remove output": "删除输出",
  "Add rule above": "在上方添加规则", "Add rule below": "在下方添加规则",
  "Copy rule above": "复制到上方", "Copy rule below": "复制到下方",
};
