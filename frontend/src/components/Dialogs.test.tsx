import { act, cleanup, fireEvent, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import Dialogs, { askConfirm, askText } from './Dialogs'

afterEach(cleanup)

describe('Dialogs', () => {
  it('askConfirm resolves true on the OK button and false on Escape or Cancel', async () => {
    render(<Dialogs />)
    let p!: Promise<boolean>
    act(() => void (p = askConfirm({ title: 'Delete endpoint', message: 'Delete “Chat”?', okLabel: 'Delete', danger: true })))
    expect(screen.getByTestId('dialog').textContent).toContain('Delete “Chat”?')
    expect(screen.getByTestId('dialog-ok').className).toContain('danger')
    act(() => fireEvent.click(screen.getByTestId('dialog-ok')))
    await expect(p).resolves.toBe(true)
    expect(screen.queryByTestId('dialog')).toBeNull()

    act(() => void (p = askConfirm({ title: 'T', message: 'M' })))
    act(() => fireEvent.keyDown(screen.getByTestId('dialog'), { key: 'Escape' }))
    await expect(p).resolves.toBe(false)

    act(() => void (p = askConfirm({ title: 'T', message: 'M' })))
    act(() => fireEvent.click(screen.getByTestId('dialog-cancel')))
    await expect(p).resolves.toBe(false)
  })

  it('askText starts from the initial text, trims the answer, and cannot be confirmed empty', async () => {
    render(<Dialogs />)
    let p!: Promise<string | null>
    act(() => void (p = askText({ title: 'Save as recording', message: 'Name:', initial: 'chat' })))
    const input = screen.getByTestId('dialog-input') as HTMLInputElement
    await act(async () => {})
    expect(input.value).toBe('chat')
    act(() => fireEvent.change(input, { target: { value: '   ' } }))
    expect((screen.getByTestId('dialog-ok') as HTMLButtonElement).disabled).toBe(true)
    act(() => fireEvent.keyDown(input, { key: 'Enter' }))
    expect(screen.getByTestId('dialog')).toBeTruthy() // still open
    act(() => fireEvent.change(input, { target: { value: '  my run  ' } }))
    act(() => fireEvent.keyDown(input, { key: 'Enter' }))
    await expect(p).resolves.toBe('my run')
  })

  it('a new question cancels the one still open', async () => {
    render(<Dialogs />)
    let first!: Promise<boolean>
    let second!: Promise<boolean>
    act(() => void (first = askConfirm({ title: 'A', message: 'first' })))
    act(() => void (second = askConfirm({ title: 'B', message: 'second' })))
    await expect(first).resolves.toBe(false)
    expect(screen.getByTestId('dialog').textContent).toContain('second')
    act(() => fireEvent.click(screen.getByTestId('dialog-ok')))
    await expect(second).resolves.toBe(true)
  })
})
