import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { MayBeOmitted } from '../errors/validation';

export const MAX_PAGE_SIZE = 500;
/** far past any real list; beyond it the row offset would leave the integers a double holds exactly */
export const MAX_PAGE = 1_000_000;

export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE, default: 1 })
  @MayBeOmitted()
  @Type(() => Number)
  // class-validator runs the bottom decorator first: the type check, so "abc" is told it is not an integer
  @Max(MAX_PAGE, { message: `page: must be <= ${MAX_PAGE}` })
  @Min(1, { message: 'page: must be >= 1' })
  @IsInt({ message: 'page: must be an integer' })
  page: number = 1;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 50 })
  @MayBeOmitted()
  @Type(() => Number)
  @Max(MAX_PAGE_SIZE, { message: `pageSize: must be <= ${MAX_PAGE_SIZE}` })
  @Min(1, { message: 'pageSize: must be >= 1' })
  @IsInt({ message: 'pageSize: must be an integer' })
  pageSize: number = 50;
}

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

export function toPage<T>(items: T[], total: number, query: PageQueryDto): Page<T> {
  return { items, page: query.page, pageSize: query.pageSize, total };
}

export function pageWindow(query: PageQueryDto): { limit: number; offset: number } {
  return { limit: query.pageSize, offset: (query.page - 1) * query.pageSize };
}
