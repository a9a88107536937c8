-- bops support for Neovim (0.10 or later): the `bops` file type, the tree-sitter parser that
-- build.sh compiles into parser/bops.so beside this folder, and the queries of
-- editors/tree-sitter-bops/queries (highlights, locals, folds, indents, injections), read from
-- there so that they are never copied. Put the `editors/nvim` folder on 'runtimepath' (any
-- plugin manager does) and run build.sh once; editors/README.md says how.

if vim.g.loaded_bops then
  return
end
vim.g.loaded_bops = true

vim.filetype.add({ extension = { bops = 'bops' } })

-- This file is editors/nvim/plugin/bops.lua; the queries are in editors/tree-sitter-bops.
local here = vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2))
local root = vim.fs.dirname(here)
local queries = vim.fs.joinpath(vim.fs.dirname(root), 'tree-sitter-bops', 'queries')

--- Registers the parser and the queries; false when the parser is not built yet.
local function register()
  local parser = vim.api.nvim_get_runtime_file('parser/bops.so', false)[1]
  if not parser then
    return false
  end
  local ok = pcall(vim.treesitter.language.add, 'bops', { path = parser })
  if not ok then
    return false
  end
  for _, name in ipairs({ 'highlights', 'locals', 'folds', 'indents', 'injections' }) do
    local file = io.open(vim.fs.joinpath(queries, name .. '.scm'), 'r')
    if file then
      vim.treesitter.query.set('bops', name, file:read('*a'))
      file:close()
    end
  end
  return true
end

local registered = nil

vim.api.nvim_create_autocmd('FileType', {
  pattern = 'bops',
  group = vim.api.nvim_create_augroup('bops', { clear = true }),
  callback = function(args)
    vim.bo[args.buf].commentstring = '// %s'
    vim.bo[args.buf].comments = ':///,://!,://'
    if registered == nil then
      registered = register()
      if not registered then
        vim.notify_once('bops: no parser/bops.so on runtimepath; run editors/nvim/build.sh', vim.log.levels.WARN)
      end
    end
    if not registered then
      return
    end
    vim.treesitter.start(args.buf, 'bops')
    vim.wo.foldmethod = 'expr'
    vim.wo.foldexpr = 'v:lua.vim.treesitter.foldexpr()'
    vim.wo.foldenable = false
    -- Indentation from indents.scm needs nvim-treesitter's indentexpr, when it is installed:
    -- `indentexpr()` on its main branch, `nvim_treesitter#indent()` on master.
    local ok, nvim_treesitter = pcall(require, 'nvim-treesitter')
    if ok and type(nvim_treesitter.indentexpr) == 'function' then
      vim.bo[args.buf].indentexpr = "v:lua.require'nvim-treesitter'.indentexpr()"
    elseif vim.fn.exists('*nvim_treesitter#indent') == 1 then
      vim.bo[args.buf].indentexpr = 'nvim_treesitter#indent()'
    end
  end,
})
