/* The form designer page: the vendored form-js editor (global FormEditor), 保存草稿 and 预览.
   form-js ships English labels only; the words a designer meets most are shown in Chinese here. The
   preview is rendered by the server (the same renderer and rules applicants meet). */
(function () {
  "use strict";
  var ZH = {
    "Components": "组件", "Search components": "搜索组件", "Input": "输入", "Selection": "选择", "Presentation": "展示",
    "Containers": "容器", "Action": "操作", "Text field": "单行文本", "Text area": "多行文本", "Number": "数字",
    "Date time": "日期时间", "Checkbox": "勾选框", "Checkbox group": "多选", "Radio group": "单选", "Select": "下拉选择",
    "Tag list": "标签多选", "Text view": "说明文字", "Image view": "图片", "Table": "表格", "HTML view": "HTML",
    "Expression": "表达式", "Spacer": "间隔", "Separator": "分隔线", "Group": "分组", "Dynamic list": "动态列表（重复分组）",
    "iFrame": "内嵌页面", "Button": "按钮", "File picker": "文件选择", "Filepicker": "文件选择", "Document preview": "文档预览",
    "General": "常规", "Label": "标签", "Key": "字段标识", "Field description": "说明", "Description": "说明",
    "Default value": "默认值", "Disabled": "禁用", "Read only": "只读", "Validation": "校验", "Required": "必填",
    "Minimum length": "最少字数", "Maximum length": "最多字数", "Minimum": "最小值", "Maximum": "最大值",
    "Validation pattern": "校验格式", "Custom regular expression": "自定义正则表达式", "Custom error message": "自定义错误提示",
    "Condition": "显示条件", "Hide if": "隐藏条件", "Appearance": "外观", "Prefix": "前缀", "Suffix": "后缀", "Layout": "布局",
    "Columns": "列宽", "Custom properties": "自定义属性", "Options source": "选项来源", "Static options": "固定选项",
    "Static": "固定", "Value": "值", "Path": "路径", "Text": "文字", "Content": "内容", "Type": "类型", "Subtype": "子类型",
    "Date": "日期", "Time": "时间", "Email": "电子邮件", "Phone": "电话", "Serialization": "序列化", "Constraints": "约束",
    "Default number of items": "默认项数", "Allow add/delete items": "允许增删项", "Show outline": "显示边框",
    "Disable collapse": "不允许折叠", "Searchable": "可搜索", "Increment": "步长", "Decimal digits": "小数位数",
    "Build your form": "开始设计表单", "Drag and drop components here to start designing.": "把左侧组件拖到这里开始设计。",
    "Drag and drop components here": "把组件拖到这里", "Use the preview window to test your form.": "使用预览检查表单。",
    "Create entry": "添加", "Delete": "删除", "Remove": "删除", "Add": "添加", "Auto": "自动", "Empty": "空",
    "Date label": "日期标签", "Time label": "时间标签", "Time format": "时间格式", "Time interval": "时间间隔",
    "Disallow past dates": "不允许过去的日期", "Checked": "已勾选", "Not checked": "未勾选", "Submit": "提交", "Reset": "重置",
    "Action": "操作", "ID": "编号", "Name": "名称", "Column": "列", "Vertical alignment": "垂直对齐",
    "Alternative text": "替代文字", "Image source": "图片地址", "URL": "地址", "Height": "高度", "Data source": "数据来源",
    "Target value": "目标值", "Compute on": "计算时机", "Value changes": "值变化时", "Form submission": "提交时",
    "Input values key": "选项数据键", "Options expression": "选项表达式", "Dynamic options": "动态选项", "Custom": "自定义",
    "Toggle section": "展开/收起", "Open documentation": "查看文档", "Open pop-up editor": "在弹窗中编辑", "<empty>": "<空>",
    "Create new list item": "新增列表项", "Toggle list item": "展开/收起", "Delete item": "删除该项",
    "Section contains an error": "此部分有错误", "Section contains edits": "此部分有修改", "Output as string": "输出为文本",
    "Upload multiple files": "允许多个文件", "Supported file formats": "支持的文件格式", "List of items": "项目列表",
    "Header items": "表头", "Headers source": "表头来源", "Pagination": "分页", "Number of rows per page": "每页行数",
    "Version tag": "版本标签", "Document reference": "文档引用", "Security attributes": "安全属性",
    "Max height of preview container": "预览最大高度", "Top": "顶部", "Center": "居中", "Bottom": "底部",
    "Custom value": "自定义值", "Geolocation": "地理位置", "Camera access": "摄像头", "Microphone access": "麦克风",
    "Open in fullscreen": "全屏打开", "Open modal windows": "打开模态窗口", "Open popups": "打开弹出窗口",
    "Script execution": "运行脚本", "Storage access by user": "存储访问", "Top level navigation": "顶层导航",
    "Allow same origin": "允许同源", "Form": "表单", "Form fields": "表单字段", "Text Field": "单行文本"
  };
  function translateNode(root) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT), node, todo = [];
    while ((node = walker.nextNode())) todo.push(node);
    todo.forEach(function (n) {
      var t = n.nodeValue.trim();
      if (t && ZH[t]) n.nodeValue = n.nodeValue.replace(t, ZH[t]);
    });
    if (root.querySelectorAll) {
      root.querySelectorAll("[placeholder],[title],[aria-label]").forEach(function (el) {
        ["placeholder", "title", "aria-label"].forEach(function (a) {
          var v = el.getAttribute(a);
          if (v && ZH[v.trim()]) el.setAttribute(a, ZH[v.trim()]);
        });
      });
    }
  }
  function csrf() {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    if (m) return decodeURIComponent(m[1]);
    var h = document.body.getAttribute("hx-headers");
    try { return JSON.parse(h)["X-CSRFToken"]; } catch (e) { return ""; }
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf()},
      body: JSON.stringify(body)
    });
  }
  function start() {
    var container = document.getElementById("form-designer");
    if (!container || !window.FormEditor) return;
    var doc = JSON.parse(document.getElementById("form-doc").textContent);
    var status = document.getElementById("designer-status");
    var editor = new window.FormEditor.FormEditor({container: container});
    var observer = new MutationObserver(function (records) {
      records.forEach(function (r) {
        r.addedNodes.forEach(function (n) {
          if (n.nodeType === 1) translateNode(n);
          else if (n.nodeType === 3 && n.parentNode) translateNode(n.parentNode);
        });
        if (r.type === "characterData" && r.target.parentNode) {
          var t = r.target.nodeValue.trim();
          if (ZH[t]) r.target.nodeValue = ZH[t];
        }
      });
    });
    editor.importSchema(doc).then(function () {
      translateNode(container);
      observer.observe(container, {childList: true, subtree: true, characterData: true});
      container.setAttribute("data-loaded", "1");
    }).catch(function () { status.textContent = "表单设计器加载失败，请刷新页面"; });
    function current() { return editor.saveSchema(); }
    var save = document.getElementById("designer-save");
    if (save) save.addEventListener("click", function () {
      status.textContent = "正在保存…";
      post(save.getAttribute("data-url"), {ui: current()}).then(function (r) { return r.json(); }).then(function (res) {
        status.textContent = res.message + (res.problems && res.problems.length ? "；发布前需要修改：" + res.problems.join("；") : "");
      }).catch(function () { status.textContent = "保存失败，请稍后再试"; });
    });
    var preview = document.getElementById("designer-preview");
    if (preview) preview.addEventListener("click", function () {
      var pane = document.getElementById("designer-preview-pane");
      post(preview.getAttribute("data-url"), {ui: current()}).then(function (r) { return r.text(); }).then(function (html) {
        pane.innerHTML = html;
        var form = pane.querySelector("[data-dg-form]");
        if (form && window.DigiGovForms) window.DigiGovForms.init(form);
        pane.scrollIntoView({behavior: "smooth", block: "start"});
      }).catch(function () { pane.textContent = "预览失败，请稍后再试"; });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
